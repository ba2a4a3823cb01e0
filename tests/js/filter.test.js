// The lists that filter as one types (#lib/filter.js), on fakes: a search box that is an event
// target with a value, and items with a data-search and a hidden flag.
import assert from "node:assert/strict";
import { test } from "node:test";

import { filterAsTyped, fold } from "#lib/filter.js";

function box(value = "") {
  return Object.assign(new EventTarget(), { value });
}

function items(...texts) {
  return texts.map((text) => ({ dataset: { search: fold(text) }, hidden: false }));
}

function typed(search, value) {
  search.value = value;
  search.dispatchEvent(new Event("input"));
}

test("text is compared without diacritics, đ as d, case aside", () => {
  assert.equal(fold("Đường dây ĐIỆN"), "duong day dien");
});

test("each keystroke filters the list and says how many are left", () => {
  const search = box();
  const list = items("Robot sửa chữa dây chống sét", "Chatbot chăm sóc khách hàng");
  const counts = [];
  filterAsTyped(search, list, (shown) => counts.push(shown));
  typed(search, "robot sua chua");
  assert.deepEqual(list.map((item) => item.hidden), [false, true]);
  typed(search, "");
  assert.deepEqual(list.map((item) => item.hidden), [false, false]);
  assert.deepEqual(counts, [1, 2]);
});

test("what was typed before the script ran filters the list at once", () => {
  const list = items("Robot sửa chữa dây chống sét", "Chatbot chăm sóc khách hàng");
  const counts = [];
  filterAsTyped(box("CHATBOT"), list, (shown) => counts.push(shown));
  assert.deepEqual(list.map((item) => item.hidden), [true, false]);
  assert.deepEqual(counts, [1]);
});

test("an empty box leaves the list as the server sent it", () => {
  const list = items("Robot sửa chữa dây chống sét");
  const counts = [];
  filterAsTyped(box("  "), list, (shown) => counts.push(shown));
  assert.deepEqual(list.map((item) => item.hidden), [false]);
  assert.deepEqual(counts, []);
});
