// The judge's list of pitches: marks the sheets still waiting in the tablet's outbox, and
// updates each badge as the outbox gets them through.
import { readConfig } from "#lib/config.js";
import { openOutbox } from "#lib/outbox.js";

const outbox = openOutbox();
const text = readConfig("pitches-text");
const banner = document.getElementById("outbox-state");

function badge(entry) {
  return document.querySelector(`li[data-entry="${entry}"] .badge`);
}

function render() {
  const waiting = outbox.waiting();
  waiting.forEach((entry) => {
    const b = badge(entry);
    if (b) {
      b.textContent = text.waiting;
      b.className = "badge waiting";
    }
  });
  banner.hidden = waiting.length === 0;
  banner.textContent = text.banner.replace("{count}", String(waiting.length));
}

outbox.listen((entry, event) => {
  const b = badge(entry);
  if (event.kind === "saved" && b && !outbox.read(entry).pending) {
    const draft = event.sheet.status === "draft";
    b.textContent = draft ? text.draft : text.submitted;
    b.className = draft ? "badge draft" : "badge done";
  }
  render();
});
render();
