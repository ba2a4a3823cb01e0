// The judge's list of pitches: marks the sheets still waiting in the tablet's outbox, and
// updates each badge as the outbox gets them through.
(function () {
  "use strict";
  var outbox = window.SangTaoOutbox;
  var text = JSON.parse(document.getElementById("pitches-text").textContent);
  var banner = document.getElementById("outbox-state");

  function badge(entry) {
    return document.querySelector('li[data-entry="' + entry + '"] .badge');
  }
  function render() {
    var waiting = outbox.waiting();
    waiting.forEach(function (entry) {
      var b = badge(entry);
      if (b) { b.textContent = text.waiting; b.className = "badge waiting"; }
    });
    banner.hidden = waiting.length === 0;
    banner.textContent = text.banner.replace("{count}", String(waiting.length));
  }
  outbox.listen(function (entry, event) {
    var b = badge(entry);
    if (event.kind === "saved" && b && !outbox.read(entry).pending) {
      var draft = event.sheet.status === "draft";
      b.textContent = draft ? text.draft : text.submitted;
      b.className = draft ? "badge draft" : "badge done";
    }
    render();
  });
  render();
})();
