// A text as large as its style makes it, or smaller until its box holds it: an organiser's
// announcement that is longer than the screen shrinks rather than running off its bottom edge.

// How much smaller than its style's size a text may become, at most (0,4: 8vh down to 3,2vh).
export const SMALLEST = 0.4;
const STEP = 0.92;

// node: the text; box: what must hold it (its scrollHeight is what the content needs). fit()
// again after the text changed; it also runs when the window's size changes and once the web
// font has come (the text is taller or shorter in it). stop() when the text leaves the screen.
export function shrinkToFit(node, box) {
  function fit() {
    node.style.fontSize = "";
    const full = parseFloat(getComputedStyle(node).fontSize);
    let size = full;
    while (box.scrollHeight > box.clientHeight && size * STEP >= full * SMALLEST) {
      size *= STEP;
      node.style.fontSize = `${size}px`;
    }
  }
  window.addEventListener("resize", fit);
  if (document.fonts) document.fonts.ready.then(fit);
  return {
    fit,
    stop() {
      window.removeEventListener("resize", fit);
    },
  };
}
