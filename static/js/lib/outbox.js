// The judge's outbox. Every sheet is kept in storage, one record per entry, until the server has
// acknowledged its latest version; records are sent one at a time, oldest change first, and
// retried with back-off through dropped Wi-Fi, timeouts and server errors. Only a refusal on the
// merits (a 4xx such as "round locked") drops a change, and it says why.
// Every judge page opens it (openOutbox), so a sheet left behind is sent from wherever the judge
// goes. createOutbox takes everything it touches as arguments, so node's test runner drives it
// with fakes: tests/js/outbox.test.js.
import { readConfig } from "#lib/config.js";

const FIRST_DELAY = 1000;
const LONGEST_DELAY = 15000;
const DEADLINE = 15000;

// Worth trying again as it is: the network, the server's health or the judge's session.
function temporary(status, body) {
  return status >= 500 || status === 408 || status === 429 || status === 401 || body.error === "csrf";
}

// judge, api, csrf: whose sheets, where they go, the session's CSRF token.
// storage: a Storage (localStorage); fetch; timers: { setTimeout, clearTimeout }; now: the clock,
// in ms; network: fires "online"; page: fires "visibilitychange" and says whether it is hidden.
export function createOutbox({ judge, api, csrf, storage, fetch, timers, now, network, page }) {
  const prefix = "sangtao:sheet:" + judge + ":";
  const listeners = [];
  let sending = null;
  let timer = null;
  let delay = FIRST_DELAY;

  function key(entry) {
    return prefix + entry;
  }
  function read(entry) {
    try {
      return JSON.parse(storage.getItem(key(entry))) || {};
    } catch {
      return {};
    }
  }
  function write(entry, record) {
    try {
      storage.setItem(key(entry), JSON.stringify(record));
    } catch {
      // storage full or private mode: the page still holds the sheet
    }
  }
  function waiting() {
    const entries = [];
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (k.indexOf(prefix) === 0) {
        const entry = k.slice(prefix.length);
        const record = read(entry);
        if (record.pending) entries.push({ entry, at: record.pending.queuedAt || 0 });
      }
    }
    entries.sort((a, b) => a.at - b.at);
    return entries.map((e) => e.entry);
  }
  function notify(entry, event) {
    listeners.forEach((listener) => listener(entry, event));
  }
  function retryLater(entry, message) {
    notify(entry, { kind: "waiting", message });
    timers.clearTimeout(timer);
    timer = timers.setTimeout(flush, delay);
    delay = Math.min(delay * 2, LONGEST_DELAY);
  }

  function flush() {
    if (sending !== null) return;
    const entry = waiting()[0];
    if (entry === undefined) return;
    const payload = read(entry).pending;
    const body = JSON.stringify({
      id: payload.id,
      entry: payload.entry,
      scores: payload.scores,
      comment: payload.comment,
      submit: payload.submit,
    });
    const controller = new AbortController();
    const deadline = timers.setTimeout(() => controller.abort(), DEADLINE);
    sending = entry;
    notify(entry, { kind: "sending" });
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      body,
      signal: controller.signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    })
      .then((response) =>
        response.json().then(
          (json) => ({ status: response.status, body: json }),
          () => ({ status: response.status, body: {} }),
        ),
      )
      .then((reply) => {
        timers.clearTimeout(deadline);
        sending = null;
        const record = read(entry);
        const current = JSON.stringify(record.pending) === JSON.stringify(payload);
        if (reply.status === 200 || reply.status === 201) {
          delay = FIRST_DELAY;
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
      })
      .catch(() => {
        timers.clearTimeout(deadline);
        sending = null;
        retryLater(entry, null);
      });
  }

  network.addEventListener("online", () => {
    delay = FIRST_DELAY;
    timers.clearTimeout(timer);
    flush();
  });
  page.addEventListener("visibilitychange", () => {
    if (!page.hidden) flush();
  });
  timers.setTimeout(flush, 0);

  return {
    // Keep this version of the sheet on the tablet, then send it when its turn comes.
    put(entry, payload) {
      const record = read(entry);
      payload.queuedAt = record.pending ? record.pending.queuedAt : now();
      record.pending = payload;
      record.edit = null; // a version on its way supersedes any edit kept back on the tablet
      record.error = null;
      write(entry, record);
      notify(entry, { kind: "queued" });
      flush();
    },
    read,
    write,
    waiting,
    isSending: (entry) => sending === String(entry),
    listen(listener) {
      listeners.push(listener);
    },
  };
}

// The outbox of the judge this page belongs to (the "outbox-config" block), on the browser's
// storage, network and clock. Call it once per page.
export function openOutbox() {
  const { judge, api, csrf } = readConfig("outbox-config");
  return createOutbox({
    judge,
    api,
    csrf,
    storage: window.localStorage,
    fetch: (url, init) => window.fetch(url, init),
    timers: {
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (id) => window.clearTimeout(id),
    },
    now: () => Date.now(),
    network: window,
    page: document,
  });
}
