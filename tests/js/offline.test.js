// When a page running an old version's code may reload (static/js/lib/offline.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { QUIET, safeToReload } from "#lib/offline.js";

test("a hidden tablet reloads at once", () => {
  assert.ok(safeToReload({ hidden: true, quietFor: 0, typing: true }));
});

test("a tablet in the judge's hands waits until nobody has touched it for a while", () => {
  assert.ok(!safeToReload({ hidden: false, quietFor: QUIET - 1, typing: false }));
  assert.ok(safeToReload({ hidden: false, quietFor: QUIET, typing: false }));
});

test("a comment being typed is never cut off", () => {
  assert.ok(!safeToReload({ hidden: false, quietFor: 10 * QUIET, typing: true }));
});
