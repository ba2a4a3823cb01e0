// The ceremony reveal on a big screen: draws the steps the server has revealed, the newest large,
// the earlier ones below it. The payload never holds a step not yet revealed, so there is nothing
// here to hide. The last step (first place) gets confetti, unless reduced motion is asked for.
import confetti from "canvas-confetti";

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

function text(tag, className, value) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.textContent = value;
  return node;
}

function stepNode(step, labels, latest) {
  const node = document.createElement("article");
  node.className = latest ? "reveal-step latest" : "reveal-step";
  node.dataset.step = String(step.number);
  node.dataset.rank = String(step.rank);
  const prize = step.prize ? labels.prizes[step.prize] : labels.rank.replace("{rank}", step.rank);
  node.appendChild(text("p", "reveal-prize", prize));
  step.entries.forEach((entry) => {
    const item = document.createElement("div");
    item.className = "reveal-entry";
    item.appendChild(text("h2", "reveal-title", entry.title));
    if (entry.unit) item.appendChild(text("p", "reveal-unit", entry.unit));
    if (entry.authors.length) item.appendChild(text("p", "reveal-authors", entry.authors.join(", ")));
    node.appendChild(item);
  });
  return node;
}

function celebrate() {
  if (reducedMotion.matches) return;
  confetti({ particleCount: 160, spread: 90, origin: { y: 0.6 }, disableForReducedMotion: true });
}

// Draws `steps` into `container`; `rehearsal` adds the "TẬP DƯỢT" mark. Returns the number of
// steps drawn, so that the caller celebrates only a final step it had not drawn before.
export function renderReveal(container, steps, labels, { rehearsal = false, before = 0 } = {}) {
  const parts = [];
  if (rehearsal) parts.push(text("p", "reveal-rehearsal", labels.rehearsal));
  if (!steps.length) parts.push(text("p", "reveal-waiting", labels.waiting));
  const newestFirst = steps.slice().reverse();
  newestFirst.forEach((step, index) => parts.push(stepNode(step, labels, index === 0)));
  container.replaceChildren(...parts);
  container.dataset.shown = String(steps.length);
  const last = steps[steps.length - 1];
  if (last && last.final && steps.length > before) celebrate();
  return steps.length;
}
