// The judge's score sheet: every change is kept on the tablet first, then sent to the server.
// Drafts save themselves; a submitted sheet changes only when the judge sends it again.
(function () {
  "use strict";
  var configNode = document.getElementById("sheet-config");
  if (!configNode) return;
  var config = JSON.parse(configNode.textContent);
  var text = config.text;
  var form = document.getElementById("sheet");
  var lang = document.documentElement.lang === "en" ? "en" : "vi-VN";
  var storageKey = "sangtao:sheet:" + config.judge + ":" + config.entry;
  var criteria = Array.prototype.slice.call(form.querySelectorAll(".criterion"));
  var saveState = document.getElementById("save-state");
  var errorBox = document.getElementById("error");
  var submitButton = document.getElementById("submit");
  var withdrawButton = document.getElementById("withdraw");

  // What the server last acknowledged, and what the tablet holds now.
  var server = config.state || { status: "draft", comment: "", scores: {} };
  var local = load() || { id: config.id, scores: copy(server.scores), comment: server.comment, status: server.status, pending: null };
  var timer = null;
  var sending = false;

  function copy(o) { return JSON.parse(JSON.stringify(o || {})); }
  function load() {
    try { var saved = JSON.parse(localStorage.getItem(storageKey)); return saved && saved.pending ? saved : null; }
    catch (e) { return null; }
  }
  function store() { try { localStorage.setItem(storageKey, JSON.stringify(local)); } catch (e) { /* private mode */ } }
  function format(n) { return n.toLocaleString(lang, { maximumFractionDigits: 2 }); }

  function total() {
    var sum = 0;
    for (var i = 0; i < criteria.length; i++) {
      var node = criteria[i], value = local.scores[node.dataset.key];
      if (value === null || value === undefined) return null;
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
      var value = local.scores[node.dataset.key];
      var has = value !== null && value !== undefined;
      node.querySelector(".shown").textContent = has ? format(value) : text.notScored;
      node.classList.toggle("scored", has);
      node.querySelectorAll(".band").forEach(function (band) {
        var inside = has && value >= parseFloat(band.dataset.min) && value <= parseFloat(band.dataset.max);
        band.classList.toggle("chosen", inside);
        if (inside && !node.querySelector(".point")) showPoints(node, parseFloat(band.dataset.min), parseFloat(band.dataset.max));
      });
      node.querySelectorAll(".point").forEach(function (p) { p.classList.toggle("chosen", has && parseFloat(p.dataset.value) === value); });
    });
    form.comment.value = local.comment || "";
    var t = total();
    document.getElementById("total").textContent = t === null ? "–" : format(Math.round(t * 100) / 100);
    var submitted = server.status !== "draft";
    submitButton.textContent = submitted ? text.resubmit : text.submit;
    withdrawButton.hidden = !submitted;
    if (local.pending) saveState.textContent = sending ? text.savedTablet : text.offline;
    else if (submitted && changedSinceServer()) saveState.textContent = text.changed;
    else saveState.textContent = submitted ? text.submitted : (config.state || local.sent ? text.savedServer : "");
  }

  function changedSinceServer() {
    return JSON.stringify(local.scores) !== JSON.stringify(fill(server.scores)) || (local.comment || "") !== (server.comment || "");
  }
  function fill(scores) {
    var out = {};
    criteria.forEach(function (node) { var v = scores[node.dataset.key]; out[node.dataset.key] = v === undefined ? null : v; });
    return out;
  }

  function queue(submit) {
    local.pending = { id: local.id, entry: config.entry, scores: fill(local.scores), comment: local.comment || "", submit: submit };
    store(); render(); send();
  }

  function send() {
    if (!local.pending || sending) return;
    sending = true; render();
    var payload = local.pending;
    fetch(config.api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (reply) {
      sending = false;
      if (reply.status === 200 || reply.status === 201) {
        server = { status: reply.body.status, comment: reply.body.comment, scores: reply.body.scores };
        if (local.pending === payload) local.pending = null;
        local.sent = true; errorBox.hidden = true; store(); render();
        if (local.pending) send();
      } else if (reply.status === 409 && reply.body.error === "sheet_exists") {
        local.id = reply.body.sheet_id; local.pending.id = local.id; store(); send();
      } else {
        // Refused on its merits: keep the judge's work on the tablet and say why.
        local.pending = null; store();
        errorBox.textContent = reply.body.message; errorBox.hidden = false; render();
      }
    }).catch(function () {
      sending = false; render();
      setTimeout(send, 3000);
    });
  }

  function changed() {
    errorBox.hidden = true;
    if (server.status === "draft") { clearTimeout(timer); timer = setTimeout(function () { queue(false); }, 600); }
    render();
  }

  form.addEventListener("click", function (e) {
    var button = e.target.closest("button");
    if (!button) return;
    var node = button.closest(".criterion");
    if (!node) return;
    if (button.classList.contains("band")) {
      var min = parseFloat(button.dataset.min), max = parseFloat(button.dataset.max);
      showPoints(node, min, max);
      if (min === max) { local.scores[node.dataset.key] = min; changed(); }
      else render();
      node.querySelectorAll(".band").forEach(function (b) { b.classList.toggle("opened", b === button); });
    } else if (button.classList.contains("point")) {
      local.scores[node.dataset.key] = parseFloat(button.dataset.value); changed();
    } else if (button.classList.contains("clear")) {
      local.scores[node.dataset.key] = null; node.querySelector(".points").textContent = ""; changed();
    }
  });
  form.comment.addEventListener("input", function () { local.comment = form.comment.value; store(); changed(); });
  submitButton.addEventListener("click", function () {
    if (total() === null) { errorBox.textContent = text.incomplete; errorBox.hidden = false; return; }
    clearTimeout(timer); queue(true);
  });
  withdrawButton.addEventListener("click", function () { clearTimeout(timer); queue(false); });
  window.addEventListener("online", send);

  local.scores = fill(local.scores);
  render();
  if (local.pending) send();
})();
