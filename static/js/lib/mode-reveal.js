// The ceremony reveal as a screen's mode: the steps the server has revealed (#lib/reveal.js draws
// them). A rehearsal names one screen; that screen shows the rehearsal's sample steps instead,
// marked "TẬP DƯỢT", whatever its mode (pages/display.js switches it here).
import { renderReveal } from "#lib/reveal.js";

export function reveal(stage) {
  const box = document.createElement("section");
  box.className = "reveal";
  box.dataset.testid = "reveal";
  box.setAttribute("aria-live", "polite");
  stage.appendChild(box);
  let drawn = { steps: 0, key: "" };
  let last = null;
  // Drawn again to the screen's new size, or once the web font has come: what fits changes.
  function redraw() {
    if (last) renderReveal(box, last.steps, last.labels, { rehearsal: last.practice, before: last.steps.length });
  }
  window.addEventListener("resize", redraw);
  if (document.fonts) document.fonts.ready.then(redraw);
  return {
    update(snapshot, ctx) {
      const practice = Boolean(snapshot.rehearsal && snapshot.rehearsal.screen === ctx.screen);
      const steps = practice ? snapshot.rehearsal.steps : snapshot.steps;
      const key = practice ? "rehearsal" : "real";
      // A step drawn before (or every step, on a screen just switched here) is no news.
      const before = drawn.key === key ? drawn.steps : steps.length;
      drawn = { steps: renderReveal(box, steps, ctx.reveal, { rehearsal: practice, before }), key };
      last = { steps, labels: ctx.reveal, practice };
    },
    stop() {
      window.removeEventListener("resize", redraw);
    },
  };
}
