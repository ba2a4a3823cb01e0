// One score sheet on the judge's tablet. Every change goes into the outbox (outbox.js) at once,
// so it is kept on the tablet before anything is sent. A draft saves itself; a submitted sheet
// changes on the server only when the judge sends it again.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("sheet-config").textContent);
  var outbox = window.SangTaoOutbox;
  var text = config.text;
  var entry = String(config.entry);
  var form = document.getElementById("sheet");
  var lang = document.documentElement.lang === "en" ? "en" : "vi-VN";
  var criteria = Array.prototype.slice.call(form.querySelectorAll(".criterion"));
  var saveState = document.getElementById("save-state");
  var errorBox = document.getElementById("error");
  var submitButton = document.getElementById("submit");
  var withdrawButton = document.getElementById("withdraw");

  var server = config.state;  // what the server holds, as of the page or its last answer
  var stored = outbox.read(entry);
  var start = stored.pending || stored.edit || server || {};
  var local = { id: start.id || config.id, scores: fill(start.scores || {}), comment: start.comment || "" };

  function fill(scores) {
    var out = {};
    criteria.forEach(function (node) {
      var value = scores[node.dataset.key];
      out[node.dataset.key] = value === undefined ? null : value;
    });
    return out;
  }
  function format(n) { return n.toLocaleString(lang, { maximumFractionDigits: 2 }); }
  function submitted() { return server !== null && server.status !== "draft"; }
  function payload(submit) {
    return { id: local.id, entry: config.entry, scores: fill(local.scores), comment: local.comment, submit: submit };
  }
  function changedSinceServer() {
    return server === null || JSON.stringify(fill(local.scores)) !== JSON.stringify(fill(server.scores)) ||
      local.comment !== (server.comment || "");
  }
  function total() {
    var sum = 0;
    for (var i = 0; i < criteria.length; i++) {
      var node = criteria[i], value = local.scores[node.dataset.key];
      if (value === null) return null;
      sum += parseFloat(node.dataset.weight) * value / parseFloat(node.dataset.max);
    }
    return 100 * sum;
  }

  function showPoints(node, min, max) {
    var points = node.querySelector(".points"), step = parseFloat(node.dataset.step);
    points.textContent = "";
    for (var v = min; v <= max + 1e-9; v += step) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "point"; b.dataset.value = String(v); b.textContent = format(v);
      points.appendChild(b);
    }
  }

  function render() {
    criteria.forEach(function (node) {
      var value = local.scores[node.dataset.key], has = value !== null;
      node.querySelector(".shown").textContent = has ? format(value) : text.notScored;
      node.classList.toggle("scored", has);
      node.querySelectorAll(".band").forEach(function (band) {
        var inside = has && value >= parseFloat(band.dataset.min) && value <= parseFloat(band.dataset.max);
        band.classList.toggle("chosen", inside);
        if (inside && !node.querySelector(".point")) showPoints(node, parseFloat(band.dataset.min), parseFloat(band.dataset.max));
      });
      node.querySelectorAll(".point").forEach(function (p) { p.classList.toggle("chosen", has && parseFloat(p.dataset.value) === value); });
    });
    if (form.comment.value !== local.comment) form.comment.value = local.comment;
    var t = total();
    document.getElementById("total").textContent = t === null ? "–" : format(Math.round(t * 100) / 100);
    submitButton.textContent = submitted() ? text.resubmit : text.submit;
    withdrawButton.hidden = !submitted();
    var record = outbox.read(entry);
    if (record.pending) saveState.textContent = outbox.isSending(entry) ? text.savedTablet : text.offline;
    else if (submitted()) saveState.textContent = changedSinceServer() ? text.changed : text.submitted;
    else saveState.textContent = server !== null ? text.savedServer : "";
    errorBox.hidden = !record.error;
    errorBox.textContent = record.error || "";
  }

  function changed() {
    var record = outbox.read(entry);
    if (!submitted() && !(record.pending && record.pending.submit)) {
      outbox.put(entry, payload(false));
    } else {
      // A submitted sheet: keep the edit on the tablet until the judge sends it again.
      record.edit = payload(true);
      outbox.write(entry, record);
    }
    render();
  }

  form.addEventListener("click", function (e) {
    var button = e.target.closest("button");
    var node = button && button.closest(".criterion");
    if (!node) return;
    if (button.classList.contains("band")) {
      var min = parseFloat(button.dataset.min), max = parseFloat(button.dataset.max);
      showPoints(node, min, max);
      node.querySelectorAll(".band").forEach(function (b) { b.classList.toggle("opened", b === button); });
      if (min === max) { local.scores[node.dataset.key] = min; changed(); } else render();
    } else if (button.classList.contains("point")) {
      local.scores[node.dataset.key] = parseFloat(button.dataset.value); changed();
    } else if (button.classList.contains("clear")) {
      local.scores[node.dataset.key] = null; node.querySelector(".points").textContent = ""; changed();
    }
  });
  form.comment.addEventListener("input", function () { local.comment = form.comment.value; changed(); });
  submitButton.addEventListener("click", function () {
    if (total() === null) { errorBox.textContent = text.incomplete; errorBox.hidden = false; return; }
    outbox.put(entry, payload(true));
  });
  withdrawButton.addEventListener("click", function () { outbox.put(entry, payload(false)); });

  outbox.listen(function (which, event) {
    if (which !== entry) return;
    if (event.kind === "saved") {
      server = event.sheet;
      local.id = event.sheet.id;
    }
    render();
  });
  render();
  form.dataset.state = "ready";
})();
