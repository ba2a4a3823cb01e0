// The ceremony reveal on a big screen: draws the steps the server has revealed, the newest large,
// the earlier ones below it, as many as fit. The payload never holds a step not yet revealed, so
// there is nothing here to hide. The last step (first place) gets confetti, unless reduced motion
// is asked for.
import confetti from "canvas-confetti";
import { element } from "#lib/element.js";
import { shrink } from "#lib/fit.js";

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

function stepNode(step, labels, latest) {
  const node = document.createElement("article");
  node.className = ["reveal-step", latest && "latest", step.final && "final"].filter(Boolean).join(" ");
  node.dataset.step = String(step.number);
  node.dataset.rank = String(step.rank);
  const prize = step.prize ? labels.prizes[step.prize] : labels.rank.replace("{rank}", step.rank);
  node.appendChild(element("p", "reveal-prize", prize));
  step.entries.forEach((entry) => {
    const item = document.createElement("div");
    item.className = "reveal-entry";
    item.appendChild(element("h2", "reveal-title", entry.title));
    if (entry.unit) item.appendChild(element("p", "reveal-unit", entry.unit));
    if (entry.authors.length) item.appendChild(element("p", "reveal-authors", entry.authors.join(", ")));
    node.appendChild(item);
  });
  return node;
}

// Drawn on the page itself, on a canvas of the library's own over the whole screen: its default
// draws in a worker made from a blob: address, which the page's Content-Security-Policy refuses.
const cannon = confetti.create(null, { resize: true, useWorker: false, disableForReducedMotion: true });

function celebrate() {
  if (reducedMotion.matches) return;
  cannon({ particleCount: 160, spread: 90, origin: { y: 0.6 } });
}

// The older steps are dropped, oldest first, until what is left fits the box, and a newest step
// still too tall (a shared place, long titles) is made smaller: nothing is cut at the bottom.
function fit(container) {
  const steps = container.querySelectorAll(".reveal-step:not(.latest)");
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    if (container.scrollHeight <= container.clientHeight) return;
    steps[index].remove();
  }
  const latest = container.querySelector(".reveal-step.latest");
  if (latest && container.scrollHeight > container.clientHeight) shrink(latest, container);
}

// Draws `steps` into `container`; `rehearsal` adds the "TẬP DƯỢT" mark. Returns the number of
// steps drawn, so that the caller celebrates only a final step it had not drawn before.
export function renderReveal(container, steps, labels, { rehearsal = false, before = 0 } = {}) {
  const parts = [];
  if (rehearsal) parts.push(element("p", "reveal-rehearsal", labels.rehearsal));
  if (!steps.length) parts.push(element("p", "reveal-waiting", labels.waiting));
  const newestFirst = steps.slice().reverse();
  newestFirst.forEach((step, index) => parts.push(stepNode(step, labels, index === 0)));
  container.replaceChildren(...parts);
  fit(container);
  container.dataset.shown = String(steps.length);
  const last = steps[steps.length - 1];
  if (last && last.final && steps.length > before) celebrate();
  return steps.length;
}
