// A big screen: the only renderer of the leaderboard. It draws the snapshot the page came with,
// then every newer one pushed over the /display namespace; a snapshot whose version is not newer
// than the one shown is ignored. After every (re)connect, and every 30 seconds, the screen gets
// the current snapshot again.
import { io } from "socket.io-client";
import { readConfig } from "#lib/config.js";
import { renderReveal } from "#lib/reveal.js";

const REFRESH_EVERY = 30000;

const config = readConfig("screen-config");
const board = document.getElementById("board");
const body = board.tBodies[0];
const link = document.getElementById("link");
const lang = document.documentElement.lang === "en" ? "en" : "vi-VN";
let shown = null;

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

function score(value) {
  return value === null
    ? "–"
    : value.toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function row(entry, before) {
  const tr = document.createElement("tr");
  tr.dataset.entry = entry.entry_id;
  tr.appendChild(cell(entry.rank === null ? "" : String(entry.rank), "rank"));
  const what = document.createElement("td");
  const title = document.createElement("span");
  title.className = "title";
  title.textContent = entry.title;
  const unit = document.createElement("span");
  unit.className = "unit";
  unit.textContent = entry.unit;
  what.append(title, unit);
  tr.appendChild(what);
  tr.appendChild(cell(score(entry.score), "num"));
  tr.appendChild(cell(entry.sheets + "/" + entry.expected, "num"));
  // A score that moved since the last snapshot is highlighted; nothing is on the first draw.
  if (before[entry.entry_id] !== undefined && before[entry.entry_id] !== score(entry.score)) {
    tr.className = "changed";
  }
  return tr;
}

function render(snapshot) {
  const before = {};
  Array.from(body.rows).forEach((tr) => {
    before[tr.dataset.entry] = tr.cells[2].textContent;
  });
  const rows = document.createDocumentFragment();
  snapshot.entries.forEach((entry) => rows.appendChild(row(entry, before)));
  body.replaceChildren(rows);
  board.style.setProperty("--rows", String(snapshot.entries.length));
  board.dataset.version = String(snapshot.version);
  shown = snapshot.version;
}

render(config.snapshot);

const socket = io("/display", { auth: { event: config.event, screen: config.screen } });
socket.on("connect", () => {
  link.className = "link-state live";
});
socket.on("disconnect", () => {
  link.className = "link-state down";
});
socket.on("standings", (snapshot) => {
  if (snapshot.event === config.event && snapshot.version > shown) render(snapshot);
});
// The ceremony reveal, or its rehearsal on this screen, takes the screen's place while it lasts.
const reveal = document.getElementById("reveal");
let revealed = { version: 0, steps: 0, key: "" };
socket.on("reveal", (payload) => {
  if (payload.mode !== "reveal" || payload.event !== config.event) return;
  if (payload.version <= revealed.version) return;
  const practice = payload.rehearsal && payload.rehearsal.screen === config.screen;
  const on = practice || payload.screens.includes(config.screen);
  board.hidden = on;
  reveal.hidden = !on;
  if (!on) {
    revealed = { version: payload.version, steps: 0, key: "" };
    return;
  }
  const steps = practice ? payload.rehearsal.steps : payload.steps;
  const key = practice ? "rehearsal" : "real";
  const before = revealed.key === key ? revealed.steps : steps.length;
  const drawn = renderReveal(reveal, steps, config.reveal, { rehearsal: practice, before });
  revealed = { version: payload.version, steps: drawn, key };
});
// A broadcast lost on the way (a Redis outage, a failed emit) must not leave the screen stale
// after the last sheet of the day: ask for the current snapshot now and then; it is cached.
setInterval(() => {
  if (socket.connected) socket.emit("refresh", { event: config.event });
}, REFRESH_EVERY);
