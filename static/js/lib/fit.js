// A text as large as its style makes it, or smaller until its box holds it: an organiser's
// announcement that is longer than the screen shrinks rather than running off its bottom edge.

// How much smaller than its style's size a text may become, at most (0,4: 8vh down to 3,2vh).
export const SMALLEST = 0.4;
const STEP = 0.92;

// Shrinks `node` from its style's size until `box` holds what it contains (its scrollHeight is
// what the content needs), or down to SMALLEST of that size.
export function shrink(node, box) {
  node.style.fontSize = "";
  const full = parseFloat(getComputedStyle(node).fontSize);
  if (!(full > 0)) return; // not laid out (hidden, not in the page): nothing to measure
  let size = full;
  while (box.scrollHeight > box.clientHeight && size * STEP >= full * SMALLEST) {
    size *= STEP;
    node.style.fontSize = `${size}px`;
  }
}

// shrink() now, and again when the window's size changes and once the web font has come (the
// text is taller or shorter in it); fit() again after the text changed, stop() when the text
// leaves the screen.
export function shrinkToFit(node, box) {
  const fit = () => shrink(node, box);
  window.addEventListener("resize", fit);
  if (document.fonts) document.fonts.ready.then(fit);
  return {
    fit,
    stop() {
      window.removeEventListener("resize", fit);
    },
  };
}
