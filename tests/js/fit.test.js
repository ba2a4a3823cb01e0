// A text shrunk until its box holds it (#lib/fit.js), on fakes: a box whose content needs a
// height in proportion to the text's size, and a window that only counts its listeners.
import assert from "node:assert/strict";
import { test } from "node:test";

globalThis.window = new EventTarget();
globalThis.document = {};
globalThis.getComputedStyle = (node) => ({ fontSize: node.style.fontSize || "80px" });

const { shrink, shrinkToFit, SMALLEST } = await import("#lib/fit.js");

// A box of `room` pixels whose text needs `lines` lines of its size.
function scene(room, lines) {
  const node = { style: { fontSize: "" } };
  const box = {
    clientHeight: room,
    get scrollHeight() {
      return lines * parseFloat(globalThis.getComputedStyle(node).fontSize);
    },
  };
  return { node, box };
}

test("a text that fits keeps the size its style gives", () => {
  const { node, box } = scene(800, 5);
  shrinkToFit(node, box).fit();
  assert.equal(node.style.fontSize, "");
});

test("a text too tall for its box shrinks until it fits, and no further", () => {
  const { node, box } = scene(800, 14);
  shrinkToFit(node, box).fit();
  const size = parseFloat(node.style.fontSize);
  assert.ok(14 * size <= 800);
  assert.ok(14 * (size / 0.92) > 800);
});

test("a text far too tall stops at the smallest size allowed", () => {
  const { node, box } = scene(800, 100);
  shrinkToFit(node, box).fit();
  assert.ok(parseFloat(node.style.fontSize) >= 80 * SMALLEST);
  assert.ok(box.scrollHeight > box.clientHeight);
});

test("fitting again starts from the style's size: a shorter text grows back", () => {
  const found = scene(800, 14);
  const fitted = shrinkToFit(found.node, found.box);
  fitted.fit();
  found.box.clientHeight = 2000;
  fitted.fit();
  assert.equal(found.node.style.fontSize, "");
});

test("a text with no size (not laid out) is left as it is, and the fitting ends", () => {
  const { node, box } = scene(800, 14);
  globalThis.getComputedStyle = () => ({ fontSize: "0px" });
  try {
    shrink(node, box);
  } finally {
    globalThis.getComputedStyle = (found) => ({ fontSize: found.style.fontSize || "80px" });
  }
  assert.equal(node.style.fontSize, "");
});
