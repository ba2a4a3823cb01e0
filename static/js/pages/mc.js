// The MC tablet: the run-sheet's current step as a teleprompter (its lines in large type), and the
// next step's title. It follows the organiser's "Bước tiếp theo" over the /mc namespace; a
// snapshot whose version is not newer than the one shown is ignored.
import { io } from "socket.io-client";
import { readConfig } from "#lib/config.js";

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
let shown = -1;

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
  facts.replaceChildren(
    ...(step
      ? ["award", "presenter", "certificate", "music"].flatMap((name) => fact(name, step[name]))
      : []),
  );
  next.textContent = snapshot.next ? snapshot.next.title : labels.end;
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
