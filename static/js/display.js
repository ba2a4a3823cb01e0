// A big screen: renders the standings snapshot and replaces it with every newer one pushed over
// the /display namespace. A snapshot whose version is not newer than the one shown is ignored;
// after every (re)connect, and every 30 seconds, the screen gets the current snapshot again.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("screen-config").textContent);
  var board = document.getElementById("board");
  var body = board.tBodies[0];
  var link = document.getElementById("link");
  var lang = document.documentElement.lang === "en" ? "en" : "vi-VN";
  var shown = config.snapshot.version;

  function cell(text, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function score(value) {
    return value === null ? "–" : value.toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function render(snapshot) {
    var before = {};
    Array.prototype.forEach.call(body.rows, function (row) { before[row.dataset.entry] = row.cells[2].textContent; });
    var rows = document.createDocumentFragment();
    snapshot.entries.forEach(function (entry) {
      var tr = document.createElement("tr");
      tr.dataset.entry = entry.entry_id;
      tr.appendChild(cell(entry.rank === null ? "" : String(entry.rank), "rank"));
      var what = document.createElement("td");
      var title = document.createElement("span"); title.className = "title"; title.textContent = entry.title;
      var unit = document.createElement("span"); unit.className = "unit"; unit.textContent = entry.unit;
      what.appendChild(title); what.appendChild(unit); tr.appendChild(what);
      tr.appendChild(cell(score(entry.score), "num"));
      tr.appendChild(cell(entry.sheets + "/" + entry.expected, "num"));
      if (before[entry.entry_id] !== undefined && before[entry.entry_id] !== score(entry.score)) tr.className = "changed";
      rows.appendChild(tr);
    });
    body.textContent = "";
    body.appendChild(rows);
    board.style.setProperty("--rows", String(snapshot.entries.length));
    board.dataset.version = String(snapshot.version);
    shown = snapshot.version;
  }

  var socket = io("/display", { auth: { event: config.event, screen: config.screen } });
  socket.on("connect", function () { link.className = "link-state live"; });
  socket.on("disconnect", function () { link.className = "link-state down"; });
  socket.on("standings", function (snapshot) {
    if (snapshot.event === config.event && snapshot.version > shown) render(snapshot);
  });
  // A broadcast lost on the way (a Redis outage, a failed emit) must not leave the screen stale
  // after the last sheet of the day: ask for the current snapshot now and then; it is cached.
  setInterval(function () {
    if (socket.connected) socket.emit("refresh", { event: config.event });
  }, 30000);
})();
