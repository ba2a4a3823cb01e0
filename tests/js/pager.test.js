// How a list taller than the big screen is split into pages (static/js/lib/pager.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { pages } from "#lib/pager.js";

test("rows that fit the room make one page", () => {
  assert.deepEqual(pages([10, 20, 30], 60), [[0, 3]]);
});

test("the next page starts with the first row that would cross the room's edge", () => {
  assert.deepEqual(pages([30, 30, 30, 30, 30], 70), [
    [0, 2],
    [2, 4],
    [4, 5],
  ]);
});

test("a row taller than the room has a page of its own", () => {
  assert.deepEqual(pages([10, 100, 10], 50), [
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
});

test("no rows, no pages", () => {
  assert.deepEqual(pages([], 50), []);
});
