// The MC tablet: the run-sheet's current step as a teleprompter (its lines in large type, with a
// note while more of them is below), on a step that reveals the newest place shown, and the next
// step's title. It follows the organiser's "Bước tiếp theo" over the /mc namespace; a snapshot
// whose version is not newer than the one shown is ignored.
import { io } from "socket.io-client";
import { readConfig } from "#lib/config.js";
import { element } from "#lib/element.js";

const REFRESH_EVERY = 30000;

const config = readConfig("mc-config");
const labels = config.labels;
const title = document.getElementById("mc-title");
const position = document.getElementById("mc-position");
const lines = document.getElementById("mc-lines");
const facts = document.getElementById("mc-facts");
const next = document.getElementById("mc-next");
const rehearsal = document.getElementById("mc-rehearsal");
const link = document.getElementById("link");
const more = document.getElementById("mc-more");
const revealed = document.getElementById("mc-revealed");
let shown = -1;

// Lines longer than the box scroll; until their end is in sight, the MC is told there is more.
function showMore() {
  more.hidden = lines.scrollTop + lines.clientHeight >= lines.scrollHeight - 2;
}
more.textContent = "▼ " + labels.more;
lines.addEventListener("scroll", showMore);
// The box's height changes with the rest of the page (the revealed place, the facts, the web
// font, the tablet turned): measured again each time.
new ResizeObserver(showMore).observe(lines);

// The newest place shown (on a step that reveals): its prize, each entry's title, unit, authors.
function drawRevealed(step) {
  revealed.hidden = !step;
  if (!step) {
    revealed.replaceChildren();
    return;
  }
  const names = config.reveal;
  const prize = step.prize ? names.prizes[step.prize] : names.rank.replace("{rank}", step.rank);
  revealed.replaceChildren(
    element("p", "mc-revealed-head", `${labels.revealed}: ${prize}`),
    ...step.entries.flatMap((entry) => [
      element("p", "mc-revealed-title", entry.title),
      element("p", "mc-revealed-who", [entry.unit, entry.authors.join(", ")].filter(Boolean).join(" · ")),
    ]),
  );
}

function fact(name, value) {
  if (!value) return [];
  const dt = document.createElement("dt");
  dt.textContent = labels[name];
  const dd = document.createElement("dd");
  dd.textContent = value;
  return [dt, dd];
}

function render(snapshot) {
  const step = snapshot.current;
  rehearsal.hidden = !snapshot.rehearsal;
  title.textContent = step ? step.title : labels.waiting;
  position.textContent = step
    ? labels.position.replace("{number}", step.number).replace("{total}", snapshot.total)
    : "";
  lines.textContent = step ? step.lines : "";
  lines.scrollTop = 0;
  drawRevealed(snapshot.revealed);
  facts.replaceChildren(
    ...(step
      ? ["award", "presenter", "certificate", "music"].flatMap((name) => fact(name, step[name]))
      : []),
  );
  next.textContent = snapshot.next ? snapshot.next.title : labels.end;
  showMore();
  shown = snapshot.version;
}

render(config.snapshot);

const socket = io("/mc", { auth: { event: config.event } });
socket.on("connect", () => {
  link.className = "link-state live";
});
function down() {
  link.className = "link-state down";
}
socket.on("disconnect", down);
socket.on("connect_error", down); // the first connection failed too
socket.on("runsheet", (snapshot) => {
  if (snapshot.event === config.event && snapshot.version > shown) render(snapshot);
});
setInterval(() => {
  if (socket.connected) socket.emit("refresh", { event: config.event });
}, REFRESH_EVERY);
