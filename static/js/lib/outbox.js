// The judge's outbox. Every sheet is kept in storage, one record per entry, until the server has
// acknowledged its latest version; records are sent one at a time and retried through dropped
// Wi-Fi, timeouts and server errors. Only a refusal on the merits (a 4xx such as "round locked")
// drops a change, and it says why.
// One sheet that fails every time (a server bug on one comment) must not hold back the others:
// each record keeps its own back-off (record.retry: attempts, when it is due again, the latest
// attempt and its trouble), and the outbox sends the record that became due first, so a record
// that failed goes to the back of the line. A new version of a sheet starts its back-off afresh.
// A page the tablet kept offline carries the CSRF token of its day: a "csrf" refusal fetches a
// fresh one for the session (csrfUrl) before the next attempt. A session the server no longer
// knows (401) keeps every sheet waiting until the judge scans their card again.
// A refusal keeps the refused version as the sheet's edit, so the judge still sees what they
// scored, and its code (record.code: "round_locked"...); but for a draft meeting the sheet the
// judge started on another tablet, which the judge then sees.
// Every judge page opens it (openOutbox), so a sheet left behind is sent from wherever the judge
// goes. createOutbox takes everything it touches as arguments, so node's test runner drives it
// with fakes: tests/js/outbox.test.js.
import { readConfig } from "#lib/config.js";

const FIRST_DELAY = 1000;
const LONGEST_DELAY = 15000;
const DEADLINE = 15000;

// Worth trying again as it is: the network, the server's health, a lost race or the judge's
// session.
function temporary(status, body) {
  return (
    status >= 500 ||
    status === 408 ||
    status === 429 ||
    status === 401 ||
    body.error === "csrf" ||
    body.error === "conflict"
  );
}

// judge, api, csrf, csrfUrl: whose sheets, where they go, the session's CSRF token and where a
// fresh one comes from.
// storage: a Storage (localStorage); fetch; timers: { setTimeout, clearTimeout }; now: the clock,
// in ms; network: fires "online"; page: fires "visibilitychange" and says whether it is hidden.
export function createOutbox({ judge, api, csrf, csrfUrl, storage, fetch, timers, now, network, page }) {
  const prefix = "sangtao:sheet:" + judge + ":";
  const listeners = [];
  let sending = null;
  let timer = null;

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
  // A record is due once queued, or once its back-off has passed. A back-off ending further
  // ahead than the longest one was set by a clock since put back: it is due now.
  function due(record) {
    if (!record.retry) return true;
    const clock = now();
    return record.retry.at <= clock || record.retry.at > clock + LONGEST_DELAY;
  }
  // Every record of this judge: { entry, record }.
  function records() {
    const found = [];
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (k.indexOf(prefix) === 0) found.push({ entry: k.slice(prefix.length), record: read(k.slice(prefix.length)) });
    }
    return found;
  }
  // The waiting records, in the order they are sent: the first to become due goes first, so a
  // record that failed goes behind those queued meanwhile.
  function line() {
    const waiting = records()
      .filter(({ record }) => record.pending)
      .map(({ entry, record }) => {
        const queuedAt = record.pending.queuedAt || 0;
        return { entry, record, queuedAt, at: record.retry ? record.retry.at : queuedAt };
      });
    return waiting.sort((a, b) => a.at - b.at || a.queuedAt - b.queuedAt);
  }
  function notify(entry, event) {
    listeners.forEach((listener) => listener(entry, event));
  }
  // A queued version without the queue's bookkeeping: what the server is sent.
  function sheetOf(payload) {
    const { id, entry, scores, comment, submit } = payload;
    return { id, entry, scores, comment, submit };
  }
  function sameSheet(a, b) {
    const keys = new Set([...Object.keys(a.scores || {}), ...Object.keys(b.scores || {})]);
    const value = (sheet, key) => (sheet.scores || {})[key] ?? null;
    const same = [...keys].every((key) => value(a, key) === value(b, key));
    return same && (a.comment || "") === (b.comment || "");
  }
  function sameVersion(record, payload) {
    return JSON.stringify(record.pending) === JSON.stringify(payload);
  }

  // The attempt at sending this version failed for a reason that may pass: it waits its turn
  // again, later each time (1 s, 2 s, 4 s, ... up to 15 s). status is null when no answer came.
  function failed(entry, payload, triedAt, status, message) {
    const record = read(entry);
    if (sameVersion(record, payload)) {
      const before = record.retry || { attempts: 0, delay: 0 };
      const delay = before.delay ? Math.min(before.delay * 2, LONGEST_DELAY) : FIRST_DELAY;
      record.retry = { attempts: before.attempts + 1, delay, at: now() + delay, triedAt, status, message };
      write(entry, record);
    }
    notify(entry, { kind: "waiting", status, message });
    flush();
  }

  function send(entry) {
    const payload = read(entry).pending;
    const body = JSON.stringify(sheetOf(payload));
    const triedAt = now();
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
        const current = sameVersion(record, payload);
        if (reply.status === 200 || reply.status === 201) {
          record.server = reply.body;
          record.error = null;
          record.code = null;
          if (current) {
            record.pending = null;
            record.retry = null;
          }
          write(entry, record);
          notify(entry, { kind: "saved", sheet: reply.body });
          flush();
        } else if (reply.body.error === "sheet_exists" && payload.submit && current) {
          // Another tablet started this sheet: a submit is the judge's last word, so it goes there.
          record.pending.id = reply.body.sheet_id;
          write(entry, record);
          flush();
        } else if (reply.body.error === "csrf") {
          sending = entry; // its turn is not over until the token has come
          freshToken().then(() => {
            sending = null;
            failed(entry, payload, triedAt, reply.status, reply.body.message || null);
          });
        } else if (temporary(reply.status, reply.body)) {
          failed(entry, payload, triedAt, reply.status, reply.body.message || null);
        } else {
          if (current) {
            // A draft meeting the sheet another tablet started gives way to it: the page shows
            // that sheet once reloaded, as the server's message says.
            record.edit = reply.body.error === "sheet_exists" ? null : sheetOf(payload);
            record.pending = null;
            record.retry = null;
          }
          record.code = reply.body.error || null;
          record.error = reply.body.message || String(reply.status);
          write(entry, record);
          notify(entry, { kind: "refused", message: record.error, code: reply.body.error });
          flush();
        }
      })
      .catch(() => {
        timers.clearTimeout(deadline);
        sending = null;
        failed(entry, payload, triedAt, null, null);
      });
  }

  // The session's token, as the server has it now; a session it no longer knows leaves the old
  // one (the attempt then meets the 401 that says to scan the card again).
  function freshToken() {
    const controller = new AbortController();
    const deadline = timers.setTimeout(() => controller.abort(), DEADLINE);
    return fetch(csrfUrl, {
      credentials: "same-origin",
      signal: controller.signal,
      headers: { Accept: "application/json" },
    })
      .then((response) => (response.status === 200 ? response.json() : {}))
      .then(
        (json) => {
          if (typeof json.csrf === "string") csrf = json.csrf;
        },
        () => undefined,
      )
      .finally(() => timers.clearTimeout(deadline));
  }

  // Send the first record that is due, or wake up when the next one is.
  function flush() {
    if (sending !== null) return;
    timers.clearTimeout(timer);
    timer = null;
    const waiting = line();
    const next = waiting.find((item) => due(item.record));
    if (next !== undefined) send(next.entry);
    else if (waiting.length > 0) timer = timers.setTimeout(flush, waiting[0].at - now());
  }

  // The network is back or the judge looks at the tablet again: every record is due at once and
  // starts its back-off again; what each has been through (attempts, trouble) is kept.
  function retryNow() {
    line().forEach(({ entry, record }) => {
      if (record.retry) {
        record.retry.at = 0;
        record.retry.delay = 0;
        write(entry, record);
      }
    });
    flush();
  }

  network.addEventListener("online", retryNow);
  page.addEventListener("visibilitychange", () => {
    if (!page.hidden) retryNow();
  });
  timers.setTimeout(flush, 0);

  return {
    // Keep this version of the sheet on the tablet, then send it when its turn comes. It replaces
    // the version waiting, keeps its place in the line, and is due at once, even if the one it
    // replaces was failing.
    put(entry, payload) {
      const record = read(entry);
      payload.queuedAt = record.pending ? record.pending.queuedAt : now();
      record.pending = payload;
      record.retry = null;
      record.edit = null; // a version on its way supersedes any edit kept back on the tablet
      record.error = null;
      record.code = null;
      write(entry, record);
      notify(entry, { kind: "queued" });
      flush();
    },
    read,
    write,
    // The entries whose sheet waits on the tablet, in the order they are sent.
    waiting: () => line().map((item) => item.entry),
    // The entries whose submitted sheet was changed on the tablet and not sent again: an edit
    // not on its way, not refused (a locked round's is kept only to be seen), and other than
    // what the server holds.
    edited: () =>
      records()
        .filter(({ record }) => record.edit && !record.pending && !record.code)
        .filter(({ record }) => !record.server || !sameSheet(record.edit, record.server))
        .map(({ entry }) => entry),
    isSending: (entry) => sending === String(entry),
    listen(listener) {
      listeners.push(listener);
    },
  };
}

// The outbox of the judge this page belongs to (the "outbox-config" block), on the browser's
// storage, network and clock. Call it once per page.
export function openOutbox() {
  const { judge, api, csrf, csrfUrl } = readConfig("outbox-config");
  return createOutbox({
    judge,
    api,
    csrf,
    csrfUrl,
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
