// One score sheet on the judge's tablet. Every change goes into the outbox at once, so it is kept
// on the tablet before anything is sent. A draft saves itself; a submitted sheet changes on the
// server only when the judge sends it again. A sheet the outbox could not get through says how
// often it tried and why it failed. A judge who does not score this pitch (recused) has no form,
// but the outbox still sends what is waiting. The organiser's preview of the rubric is the same
// sheet with nothing kept nor sent: it opens no outbox.
// The state line says where the sheet is: kept on the tablet, sent to the server, or kept on the
// tablet with no network (#lib/savestate.js). A sheet of a locked round (the page says so, or the
// server refused a version) can no longer change: its inputs are off.
import { readConfig } from "#lib/config.js";
import { keepOffline } from "#lib/offline.js";
import { openOutbox } from "#lib/outbox.js";
import { newerSheet, saveState } from "#lib/savestate.js";
import { sheetTotal } from "#lib/total.js";
import { troubleLine } from "#lib/trouble.js";

const sheet = document.getElementById("sheet");
const sheetConfig = sheet ? readConfig("sheet-config") : null;
const preview = Boolean(sheetConfig && sheetConfig.preview);
const outbox = preview ? keepNothing() : openOutbox();
if (!preview) keepOffline(readConfig("outbox-config"));
if (sheet) mountSheet(sheet, sheetConfig);

// What the sheet asks of an outbox, for a sheet that nobody keeps: every record is empty.
function keepNothing() {
  return { read: () => ({}), put() {}, write() {}, listen() {}, isSending: () => false };
}

function mountSheet(form, config) {
  const text = config.text;
  const entry = String(config.entry);
  const lang = document.documentElement.lang === "en" ? "en" : "vi-VN";
  const criteria = Array.from(form.querySelectorAll(".criterion"));
  const rubric = criteria.map((node) => ({
    key: node.dataset.key,
    weight: parseFloat(node.dataset.weight),
    max: parseFloat(node.dataset.max),
  }));
  const { reasons } = config.preview ? { reasons: {} } : readConfig("outbox-config");
  const stateLine = document.getElementById("save-state");
  const statusLine = document.getElementById("sheet-status");
  const locked = document.getElementById("locked");
  const trouble = document.getElementById("trouble");
  const errorBox = document.getElementById("error");
  const submitButton = document.getElementById("submit");
  const withdrawButton = document.getElementById("withdraw");

  const stored = outbox.read(entry);
  // What the server holds, as of the page or the outbox's last answer, whichever is newer.
  let server = newerSheet(config.state, stored.server || null);
  const start = stored.pending || stored.edit || server || {};
  const local = { id: start.id || config.id, scores: fill(start.scores || {}), comment: start.comment || "" };

  function fill(scores) {
    const out = {};
    criteria.forEach((node) => {
      const value = scores[node.dataset.key];
      out[node.dataset.key] = value === undefined ? null : value;
    });
    return out;
  }
  function format(n) {
    return n.toLocaleString(lang, { maximumFractionDigits: 2 });
  }
  function submitted() {
    return server !== null && server.status !== "draft";
  }
  function payload(submit) {
    return { id: local.id, entry: config.entry, scores: fill(local.scores), comment: local.comment, submit };
  }
  function changedSinceServer() {
    return (
      server === null ||
      JSON.stringify(fill(local.scores)) !== JSON.stringify(fill(server.scores)) ||
      local.comment !== (server.comment || "")
    );
  }
  function total() {
    return sheetTotal(local.scores, rubric);
  }

  function showPoints(node, min, max) {
    const points = node.querySelector(".points");
    const step = parseFloat(node.dataset.step);
    points.textContent = "";
    for (let v = min; v <= max + 1e-9; v += step) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "point";
      b.dataset.value = String(v);
      b.textContent = format(v);
      points.appendChild(b);
    }
  }

  function render() {
    criteria.forEach((node) => {
      const value = local.scores[node.dataset.key];
      const has = value !== null;
      node.querySelector(".shown").textContent = has ? format(value) : text.notScored;
      node.classList.toggle("scored", has);
      node.querySelectorAll(".band").forEach((band) => {
        const inside = has && value >= parseFloat(band.dataset.min) && value <= parseFloat(band.dataset.max);
        band.classList.toggle("chosen", inside);
        if (inside && !node.querySelector(".point")) {
          showPoints(node, parseFloat(band.dataset.min), parseFloat(band.dataset.max));
        }
      });
      node.querySelectorAll(".point").forEach((p) => {
        p.classList.toggle("chosen", has && parseFloat(p.dataset.value) === value);
      });
    });
    if (form.comment.value !== local.comment) form.comment.value = local.comment;
    const t = total();
    document.getElementById("total").textContent = t === null ? "–" : format(Math.round(t * 100) / 100);
    submitButton.textContent = submitted() ? text.resubmit : text.submit;
    withdrawButton.hidden = !submitted();
    const record = outbox.read(entry);
    const state = saveState(record, server, { online: navigator.onLine, sending: outbox.isSending(entry) });
    stateLine.textContent = state ? text.state[state] : "";
    stateLine.dataset.state = state || "";
    if (submitted() && !record.pending) {
      statusLine.textContent = changedSinceServer() ? text.changed : text.submitted;
    } else {
      statusLine.textContent = "";
    }
    // Without network, the state line says it all; a server's trouble is told in full.
    trouble.hidden = !(record.pending && record.retry) || state === "offline";
    trouble.textContent = trouble.hidden ? "" : troubleLine(text.stuck, record.retry, reasons, lang);
    const closed = config.locked || record.code === "round_locked";
    errorBox.hidden = !record.error || closed;
    errorBox.textContent = errorBox.hidden ? "" : record.error;
    if (closed) lock();
  }

  // The round is locked: the sheet stays as it is, and says why.
  function lock() {
    locked.hidden = false;
    form.querySelectorAll("button, textarea").forEach((control) => (control.disabled = true));
  }

  function changed() {
    const record = outbox.read(entry);
    if (!submitted() && !(record.pending && record.pending.submit)) {
      outbox.put(entry, payload(false));
    } else {
      // A submitted sheet: keep the edit on the tablet until the judge sends it again; one
      // taken back to what the server holds is no edit.
      record.edit = changedSinceServer() ? payload(true) : null;
      outbox.write(entry, record);
    }
    render();
  }

  form.addEventListener("click", (e) => {
    const button = e.target.closest("button");
    const node = button && button.closest(".criterion");
    if (!node) return;
    if (button.classList.contains("band")) {
      const min = parseFloat(button.dataset.min);
      const max = parseFloat(button.dataset.max);
      showPoints(node, min, max);
      node.querySelectorAll(".band").forEach((b) => b.classList.toggle("opened", b === button));
      if (min === max) {
        local.scores[node.dataset.key] = min;
        changed();
      } else {
        render();
      }
    } else if (button.classList.contains("point")) {
      local.scores[node.dataset.key] = parseFloat(button.dataset.value);
      changed();
    } else if (button.classList.contains("clear")) {
      local.scores[node.dataset.key] = null;
      node.querySelector(".points").textContent = "";
      changed();
    }
  });
  form.comment.addEventListener("input", () => {
    local.comment = form.comment.value;
    changed();
  });
  submitButton.addEventListener("click", () => {
    if (total() === null) {
      errorBox.textContent = text.incomplete;
      errorBox.hidden = false;
      return;
    }
    outbox.put(entry, payload(true));
  });
  withdrawButton.addEventListener("click", () => outbox.put(entry, payload(false)));

  outbox.listen((which, event) => {
    if (which !== entry) return;
    if (event.kind === "saved") {
      server = event.sheet;
      local.id = event.sheet.id;
    }
    render();
  });
  window.addEventListener("online", render);
  window.addEventListener("offline", render);
  render();
  form.dataset.state = "ready";
}
