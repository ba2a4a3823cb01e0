// The judge's list of pitches: marks the sheets still waiting in the tablet's outbox and those
// changed on the tablet and not sent again, names each sheet the outbox could not get through
// (how often it tried, why it failed, when), and updates each badge and the progress as the
// outbox gets them through, even when the page was drawn before the server had them (a kept
// copy, or a list fetched while the sheet page's last send was still on its way); and asks
// before signing out with sheets unsent.
// It hands the tablet's service worker every sheet page to keep, so that a sheet never opened
// still opens without network.
import { readConfig } from "#lib/config.js";
import { keepOffline } from "#lib/offline.js";
import { openOutbox } from "#lib/outbox.js";
import { troubleLine } from "#lib/trouble.js";

const outbox = openOutbox();
const text = readConfig("pitches-text");
const outboxConfig = readConfig("outbox-config");
const { reasons } = outboxConfig;
keepOffline(
  outboxConfig,
  Array.from(document.querySelectorAll(".pitches a.pitch"), (link) => link.getAttribute("href")),
);
const lang = document.documentElement.lang === "en" ? "en" : "vi-VN";
const banner = document.getElementById("outbox-state");
const stuck = document.getElementById("outbox-stuck");

function pitch(entry) {
  return document.querySelector(`.pitches > li[data-entry="${CSS.escape(entry)}"]`);
}

function badge(entry) {
  const item = pitch(entry);
  return item && item.querySelector(".badge");
}

// One line per sheet that has failed at least once: a link to the sheet, where the judge can
// change it.
function stuckLine(entry, retry) {
  const item = pitch(entry);
  const link = item && item.querySelector("a.pitch");
  const line = document.createElement(link ? "a" : "span");
  if (link) line.href = link.href;
  line.className = "stuck";
  line.textContent = troubleLine(text.stuck, retry, reasons, lang, { title: item ? item.dataset.title : entry });
  const row = document.createElement("li");
  row.appendChild(line);
  return row;
}

function showSaved(entry, sheet) {
  const item = pitch(entry);
  const b = badge(entry);
  if (!item || !b) return;
  const draft = sheet.status === "draft";
  item.dataset.status = sheet.status;
  b.textContent = draft ? text.draft : text.submitted;
  b.className = draft ? "badge draft" : "badge done";
}

// "7/12": the pitches to score whose sheet the server holds as submitted.
function showProgress() {
  const counted = document.querySelectorAll(".pitches > li[data-counted]");
  const done = [...counted].filter((item) => !["", "draft"].includes(item.dataset.status)).length;
  const shown = document.querySelector('[data-testid="progress"]');
  shown.textContent = `${done}/${counted.length}`;
  document.querySelector("progress").value = done;
}

// A sheet the server acknowledged after it drew this page shows what the server acknowledged.
function showAcknowledged() {
  document.querySelectorAll(".pitches > li[data-entry]").forEach((item) => {
    const { pending, server } = outbox.read(item.dataset.entry);
    const drawn = Date.parse(item.dataset.updated) || 0;
    if (!pending && server && Date.parse(server.updated_at) > drawn) showSaved(item.dataset.entry, server);
  });
}

// Changed sheets the judge can open from this list (a withdrawn entry's is no longer here).
function edited() {
  return outbox.edited().filter((entry) => badge(entry));
}

function mark(entry, label) {
  const b = badge(entry);
  if (b) {
    b.textContent = label;
    b.className = "badge waiting";
  }
}

function render() {
  const waiting = outbox.waiting();
  const changed = edited();
  stuck.textContent = "";
  waiting.forEach((entry) => {
    mark(entry, text.waiting);
    const { retry } = outbox.read(entry);
    if (retry) stuck.appendChild(stuckLine(entry, retry));
  });
  changed.forEach((entry) => mark(entry, text.edited));
  const lines = [];
  if (waiting.length) lines.push(text.banner.replace("{count}", String(waiting.length)));
  if (changed.length) lines.push(text.editedBanner.replace("{count}", String(changed.length)));
  banner.hidden = lines.length === 0;
  banner.textContent = lines.join(" ");
  stuck.hidden = stuck.children.length === 0;
  showProgress();
}

outbox.listen((entry, event) => {
  if (event.kind === "saved" && !outbox.read(entry).pending) showSaved(entry, event.sheet);
  render();
});
showAcknowledged();
render();

// Sheets still on the tablet would wait there, unsent, until the judge's card is scanned again.
document.getElementById("judge-logout").addEventListener("submit", (event) => {
  const count = outbox.waiting().length + edited().length;
  if (count && !window.confirm(text.logout.replace("{count}", String(count)))) event.preventDefault();
});
