// The sheet's state line (static/js/lib/savestate.js) and which version of the sheet the page
// believes the server holds.
import assert from "node:assert/strict";
import { test } from "node:test";

import { newerSheet, saveState } from "#lib/savestate.js";

const ONLINE = { online: true, sending: false };
const SERVER = { status: "submitted", updated_at: "2026-01-05T08:30:00+00:00" };

test("a sheet nobody touched says nothing", () => {
  assert.equal(saveState({}, null, ONLINE), null);
});

test("a version waiting or on its way is kept on the tablet", () => {
  assert.equal(saveState({ pending: { submit: true } }, null, ONLINE), "tablet");
  assert.equal(saveState({ pending: { submit: true } }, SERVER, { online: true, sending: true }), "tablet");
});

test("an edit of a submitted sheet, kept back until sent again, is on the tablet too", () => {
  assert.equal(saveState({ edit: { submit: true } }, SERVER, ONLINE), "tablet");
});

test("without network, what is on the tablet says so", () => {
  assert.equal(saveState({ pending: {} }, null, { online: false, sending: false }), "offline");
});

test("an attempt that got no answer at all is the network too; a server's error is not", () => {
  const noAnswer = { pending: {}, retry: { attempts: 2, status: null } };
  assert.equal(saveState(noAnswer, null, ONLINE), "offline");
  assert.equal(saveState(noAnswer, null, { online: true, sending: true }), "tablet");
  assert.equal(saveState({ pending: {}, retry: { attempts: 1, status: 500 } }, null, ONLINE), "tablet");
});

test("acknowledged is acknowledged, network or not", () => {
  assert.equal(saveState({ pending: null, server: SERVER }, SERVER, ONLINE), "server");
  assert.equal(saveState({}, SERVER, { online: false, sending: false }), "server");
});

test("the newer of the page's sheet and the outbox's latest answer", () => {
  const later = { status: "draft", updated_at: "2026-01-05T08:30:00.250000+00:00" };
  assert.equal(newerSheet(SERVER, later), later);
  assert.equal(newerSheet(later, SERVER), later);
  assert.equal(newerSheet(null, SERVER), SERVER);
  assert.equal(newerSheet(SERVER, null), SERVER);
  assert.equal(newerSheet(null, null), null);
});
