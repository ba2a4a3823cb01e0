// The judge's outbox. Every sheet is kept in localStorage, one record per entry, until the
// server has acknowledged its latest version; records are sent one at a time, oldest change
// first, and retried with back-off through dropped Wi-Fi, timeouts and server errors. Only a
// refusal on the merits (a 4xx such as "round locked") drops a change, and it says why.
// Loaded on every judge page, so a sheet left behind is sent from wherever the judge goes.
window.SangTaoOutbox = (function () {
  "use strict";
  var config = JSON.parse(document.getElementById("outbox-config").textContent);
  var prefix = "sangtao:sheet:" + config.judge + ":";
  var listeners = [];
  var sending = null;
  var timer = null;
  var delay = 1000;

  function key(entry) { return prefix + entry; }
  function read(entry) {
    try { return JSON.parse(localStorage.getItem(key(entry))) || {}; } catch (e) { return {}; }
  }
  function write(entry, record) {
    try { localStorage.setItem(key(entry), JSON.stringify(record)); } catch (e) { /* storage full or private mode */ }
  }
  function waiting() {
    var entries = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k.indexOf(prefix) === 0) {
        var entry = k.slice(prefix.length), record = read(entry);
        if (record.pending) entries.push({ entry: entry, at: record.pending.queuedAt || 0 });
      }
    }
    entries.sort(function (a, b) { return a.at - b.at; });
    return entries.map(function (e) { return e.entry; });
  }
  function notify(entry, event) {
    listeners.forEach(function (listener) { listener(entry, event); });
  }
  function retryLater(entry, message) {
    notify(entry, { kind: "waiting", message: message });
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, 15000);
  }
  // Worth trying again as it is: the network, the server's health or the judge's session.
  function temporary(status, body) {
    return status >= 500 || status === 408 || status === 429 || status === 401 || body.error === "csrf";
  }

  function flush() {
    if (sending !== null) return;
    var entry = waiting()[0];
    if (entry === undefined) return;
    var payload = read(entry).pending;
    var body = JSON.stringify({ id: payload.id, entry: payload.entry, scores: payload.scores, comment: payload.comment, submit: payload.submit });
    var controller = window.AbortController ? new AbortController() : null;
    var deadline = setTimeout(function () { if (controller) controller.abort(); }, 15000);
    sending = entry;
    notify(entry, { kind: "sending" });
    fetch(config.api, {
      method: "POST", credentials: "same-origin", body: body, signal: controller ? controller.signal : undefined,
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf }
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, body: json }; },
                                   function () { return { status: response.status, body: {} }; });
    }).then(function (reply) {
      clearTimeout(deadline);
      sending = null;
      var record = read(entry);
      var current = JSON.stringify(record.pending) === JSON.stringify(payload);
      if (reply.status === 200 || reply.status === 201) {
        delay = 1000;
        record.server = reply.body;
        record.error = null;
        if (current) record.pending = null;
        write(entry, record);
        notify(entry, { kind: "saved", sheet: reply.body });
        flush();
      } else if (reply.body.error === "sheet_exists" && payload.submit && current) {
        // Another tablet started this sheet: a submit is the judge's last word, so it goes there.
        record.pending.id = reply.body.sheet_id;
        write(entry, record);
        flush();
      } else if (temporary(reply.status, reply.body)) {
        retryLater(entry, reply.body.message);
      } else {
        if (current) record.pending = null;
        record.error = reply.body.message || String(reply.status);
        write(entry, record);
        notify(entry, { kind: "refused", message: record.error, code: reply.body.error });
        flush();
      }
    }).catch(function () {
      clearTimeout(deadline);
      sending = null;
      retryLater(entry, null);
    });
  }

  window.addEventListener("online", function () { delay = 1000; clearTimeout(timer); flush(); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
  setTimeout(flush, 0);

  return {
    // Keep this version of the sheet on the tablet, then send it when its turn comes.
    put: function (entry, payload) {
      var record = read(entry);
      payload.queuedAt = record.pending ? record.pending.queuedAt : Date.now();
      record.pending = payload;
      record.edit = null;  // a version on its way supersedes any edit kept back on the tablet
      record.error = null;
      write(entry, record);
      notify(entry, { kind: "queued" });
      flush();
    },
    read: read,
    write: write,
    waiting: waiting,
    isSending: function (entry) { return sending === String(entry); },
    listen: function (listener) { listeners.push(listener); }
  };
})();
