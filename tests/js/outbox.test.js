// The judge's outbox (static/js/lib/outbox.js), driven with fakes: storage in memory, a server
// that answers when the test says so, timers on a clock that moves only when the test moves it.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createOutbox } from "#lib/outbox.js";

const API = "/api/v1/scoresheets";
const CSRF_URL = "/api/v1/judge/csrf";
const JUDGE = 7;

class MemoryStorage {
  constructor(records = {}) {
    this.items = new Map(Object.entries(records));
  }
  get length() {
    return this.items.size;
  }
  key(i) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

class FullStorage extends MemoryStorage {
  setItem() {
    throw new Error("QuotaExceededError");
  }
}

// Every promise callback queued so far has run.
function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

function fakeTimers() {
  let clock = 0;
  let nextId = 1;
  const tasks = new Map();
  return {
    setTimeout(callback, ms) {
      tasks.set(nextId, { at: clock + ms, ms, callback });
      return nextId++;
    },
    clearTimeout(id) {
      tasks.delete(id);
    },
    now: () => clock,
    // The delays of the timers still to fire, soonest first.
    waiting: () => [...tasks.values()].sort((a, b) => a.at - b.at).map((task) => task.ms),
    async advance(ms) {
      const until = clock + ms;
      for (;;) {
        const due = [...tasks.entries()].filter(([, task]) => task.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        const [id, task] = due;
        tasks.delete(id);
        clock = task.at;
        task.callback();
        await settle();
      }
      clock = until;
    },
  };
}

// A server whose every request waits for the test to answer it.
function fakeServer() {
  const requests = [];
  function fetch(url, init) {
    return new Promise((resolve, reject) => {
      const request = {
        url,
        init,
        body: init.body === undefined ? null : JSON.parse(init.body),
        async reply(status, body) {
          resolve({ status, json: async () => body });
          await settle();
        },
        async replyWithoutJson(status) {
          resolve({ status, json: async () => JSON.parse("<html>") });
          await settle();
        },
        async fail() {
          reject(new TypeError("Failed to fetch"));
          await settle();
        },
      };
      init.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      requests.push(request);
    });
  }
  let answered = 0;
  return {
    fetch,
    requests,
    get last() {
      return requests[requests.length - 1];
    },
    // For ms of the clock, answer every request as it comes: answer(body) gives [status, body],
    // or null for a network failure.
    async run(timers, ms, answer) {
      for (let elapsed = 0; elapsed < ms; elapsed += 100) {
        while (requests.length > answered) {
          const request = requests[answered++];
          const reply = answer(request.body);
          if (reply === null) await request.fail();
          else await request.reply(...reply);
        }
        await timers.advance(100);
      }
    },
  };
}

// An outbox on fakes, past its first look at the storage unless started is false.
async function open({ storage = new MemoryStorage(), judge = JUDGE, started = true } = {}) {
  const timers = fakeTimers();
  const server = fakeServer();
  const network = new EventTarget();
  const page = Object.assign(new EventTarget(), { hidden: false });
  const outbox = createOutbox({
    judge,
    api: API,
    csrf: "csrf-token",
    csrfUrl: CSRF_URL,
    storage,
    fetch: server.fetch,
    timers,
    now: timers.now,
    network,
    page,
  });
  const events = [];
  outbox.listen((entry, event) => events.push({ entry, ...event }));
  const kinds = () => events.map((event) => `${event.entry}:${event.kind}`);
  if (started) await timers.advance(0);
  return { outbox, storage, timers, server, network, page, events, kinds };
}

function sheet(entry, overrides = {}) {
  return {
    id: `sheet-${entry}`,
    entry: Number(entry),
    scores: { novelty: 18, pitch: 8 },
    comment: "",
    submit: false,
    ...overrides,
  };
}

function stored(storage, entry, judge = JUDGE) {
  return JSON.parse(storage.getItem(`sangtao:sheet:${judge}:${entry}`));
}

test("a change is kept in storage at once, under the judge's key, then sent", async () => {
  const { outbox, storage, server, kinds } = await open();
  outbox.put("12", sheet(12));
  assert.deepEqual(stored(storage, "12"), {
    pending: { ...sheet(12), queuedAt: 0 },
    retry: null,
    edit: null,
    error: null,
    code: null,
  });
  assert.deepEqual(kinds(), ["12:queued", "12:sending"]);
  assert.equal(server.requests.length, 1);
  assert.ok(outbox.isSending("12") && outbox.isSending(12));
  assert.ok(!outbox.isSending("13"));
});

test("a full or unusable storage does not break the page", async () => {
  const { outbox, kinds } = await open({ storage: new FullStorage() });
  outbox.put("12", sheet(12));
  assert.deepEqual(kinds(), ["12:queued"]);
  assert.deepEqual(outbox.read("12"), {});
});

test("the request: one POST of the sheet as JSON, with the CSRF token, without the queue's bookkeeping", async () => {
  const { outbox, server } = await open();
  outbox.put("12", sheet(12, { comment: "Rất thiết thực", submit: true }));
  const { url, init, body } = server.last;
  assert.equal(url, API);
  assert.equal(init.method, "POST");
  assert.equal(init.credentials, "same-origin");
  assert.deepEqual(init.headers, { "Content-Type": "application/json", "X-CSRFToken": "csrf-token" });
  assert.deepEqual(body, sheet(12, { comment: "Rất thiết thực", submit: true }));
});

test("one record per entry: a newer version replaces the one waiting and keeps its place", async () => {
  const { outbox, storage, timers, server } = await open();
  outbox.put("1", sheet(1)); // on its way
  await timers.advance(5);
  outbox.put("2", sheet(2));
  await timers.advance(5);
  outbox.put("2", sheet(2, { comment: "sửa lại" }));
  outbox.put("1", sheet(1, { comment: "sửa lại" }));
  assert.equal(storage.length, 2);
  assert.equal(stored(storage, "1").pending.queuedAt, 0);
  assert.equal(stored(storage, "2").pending.queuedAt, 5);
  assert.equal(stored(storage, "2").pending.comment, "sửa lại");
  assert.deepEqual(outbox.waiting(), ["1", "2"]);
  assert.equal(server.requests.length, 1);
});

test("sheets are sent one at a time, oldest change first, and only this judge's", async () => {
  const record = (entry, queuedAt) => JSON.stringify({ pending: { ...sheet(entry), queuedAt } });
  const storage = new MemoryStorage({
    [`sangtao:sheet:${JUDGE}:30`]: record(30, 300),
    [`sangtao:sheet:${JUDGE}:10`]: record(10, 100),
    "sangtao:sheet:8:5": record(5, 1), // another judge's sheet on the same tablet
    [`sangtao:sheet:${JUDGE}:20`]: record(20, 200),
    [`sangtao:sheet:${JUDGE}:40`]: JSON.stringify({ pending: null, server: { id: "sheet-40" } }),
    [`sangtao:sheet:${JUDGE}:50`]: "{not json",
    "something:else": "1",
  });
  const { outbox, timers, server } = await open({ storage, started: false });
  assert.deepEqual(outbox.waiting(), ["10", "20", "30"]);
  assert.equal(server.requests.length, 0); // it starts on its own, just after the page's script
  await timers.advance(0);
  const sent = [];
  while (server.requests.length > sent.length) {
    assert.equal(server.requests.length, sent.length + 1, "one request at a time");
    sent.push(server.last.body.entry);
    await server.last.reply(201, { id: server.last.body.id, status: "draft" });
  }
  assert.deepEqual(sent, [10, 20, 30]);
  assert.deepEqual(outbox.waiting(), []);
  assert.equal(stored(storage, "5", 8).pending.entry, 5);
});

test("an acknowledged sheet leaves the queue and keeps the server's answer", async () => {
  const { outbox, storage, server, events } = await open();
  outbox.put("12", sheet(12, { submit: true }));
  const answer = { id: "sheet-12", status: "submitted", outcome: "created" };
  await server.last.reply(201, answer);
  assert.deepEqual(stored(storage, "12"), {
    pending: null,
    retry: null,
    edit: null,
    error: null,
    code: null,
    server: answer,
  });
  assert.deepEqual(events.at(-1), { entry: "12", kind: "saved", sheet: answer });
  assert.ok(!outbox.isSending("12"));
  outbox.put("12", sheet(12, { comment: "lần hai" }));
  await server.last.reply(200, { ...answer, outcome: "updated" });
  assert.equal(stored(storage, "12").server.outcome, "updated");
});

test("a network error waits and retries with back-off, doubling up to 15 seconds", async () => {
  const { outbox, storage, timers, server, events } = await open();
  outbox.put("12", sheet(12));
  const delays = [];
  for (let attempt = 1; attempt <= 7; attempt++) {
    assert.equal(server.requests.length, attempt);
    await server.last.fail();
    assert.deepEqual(events.at(-1), { entry: "12", kind: "waiting", status: null, message: null });
    const [delay] = timers.waiting();
    delays.push(delay);
    await timers.advance(delay - 1);
    assert.equal(server.requests.length, attempt, "not before its time");
    await timers.advance(1);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  assert.deepEqual(server.last.body, sheet(12));
  assert.equal(stored(storage, "12").pending.id, "sheet-12");
});

test("a success starts the back-off again from one second", async () => {
  const { outbox, timers, server } = await open();
  outbox.put("12", sheet(12));
  await server.last.fail();
  await timers.advance(1000);
  await server.last.fail();
  await timers.advance(2000);
  await server.last.reply(200, { id: "sheet-12", status: "draft" });
  outbox.put("13", sheet(13));
  await server.last.fail();
  assert.deepEqual(timers.waiting(), [1000]);
});

for (const [status, body] of [
  [500, { error: "server_error", message: "Lỗi máy chủ" }],
  [503, {}],
  [408, { error: "timeout", message: "Hết thời gian chờ" }],
  [429, { error: "too_many_requests", message: "Quá nhiều yêu cầu" }],
  [401, { error: "unauthorized", message: "Phiên đăng nhập đã hết" }],
  [409, { error: "conflict", message: "Dữ liệu vừa bị thay đổi, vui lòng thử lại." }],
]) {
  test(`a ${status} ${body.error ?? "without a body"} is temporary: the change waits and is sent again`, async () => {
    const { outbox, storage, timers, server, events } = await open();
    outbox.put("12", sheet(12, { submit: true }));
    await server.last.reply(status, body);
    const message = body.message ?? null;
    assert.deepEqual(events.at(-1), { entry: "12", kind: "waiting", status, message });
    assert.deepEqual(stored(storage, "12").pending, { ...sheet(12, { submit: true }), queuedAt: 0 });
    assert.equal(stored(storage, "12").error, null);
    assert.deepEqual(stored(storage, "12").retry, { attempts: 1, delay: 1000, at: 1000, triedAt: 0, status, message });
    await timers.advance(1000);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(server.last.body, sheet(12, { submit: true }));
  });
}

test("a csrf refusal (a page kept offline since the session changed) fetches a fresh token, then sends again with it", async () => {
  const { outbox, storage, timers, server, events } = await open();
  outbox.put("12", sheet(12, { submit: true }));
  await server.last.reply(400, { error: "csrf", message: "Mã CSRF không hợp lệ" });
  assert.equal(server.last.url, CSRF_URL);
  assert.equal(server.last.init.credentials, "same-origin");
  await server.last.reply(200, { csrf: "fresh-token" });
  assert.deepEqual(events.at(-1), { entry: "12", kind: "waiting", status: 400, message: "Mã CSRF không hợp lệ" });
  assert.equal(stored(storage, "12").retry.attempts, 1);
  await timers.advance(1000);
  assert.equal(server.last.url, API);
  assert.equal(server.last.init.headers["X-CSRFToken"], "fresh-token");
  await server.last.reply(201, { id: "sheet-12", status: "submitted" });
  assert.deepEqual(outbox.waiting(), []);
});

test("a session the server no longer knows keeps the sheet waiting, with its 401, until the card is scanned again", async () => {
  const { outbox, storage, timers, server, events } = await open();
  outbox.put("12", sheet(12, { submit: true }));
  await server.last.reply(400, { error: "csrf", message: "Mã CSRF không hợp lệ" });
  await server.last.reply(401, { error: "unauthorized", message: "Giám khảo cần mở đường dẫn đăng nhập của mình." });
  await timers.advance(1000);
  assert.equal(server.last.init.headers["X-CSRFToken"], "csrf-token", "the old token, for want of a new one");
  await server.last.reply(401, { error: "unauthorized", message: "Giám khảo cần mở đường dẫn đăng nhập của mình." });
  assert.equal(events.at(-1).status, 401);
  assert.deepEqual(stored(storage, "12").pending, { ...sheet(12, { submit: true }), queuedAt: 0 });
  assert.equal(stored(storage, "12").retry.status, 401);
  assert.deepEqual(timers.waiting(), [2000]);
});

test("a token that cannot be fetched (no network) leaves the old one and the sheet waits its turn", async () => {
  const { outbox, timers, server } = await open();
  outbox.put("12", sheet(12));
  await server.last.reply(400, { error: "csrf" });
  await server.last.fail();
  await timers.advance(1000);
  assert.equal(server.last.url, API);
  assert.equal(server.last.init.headers["X-CSRFToken"], "csrf-token");
});

test("a 5xx page that is not JSON is temporary too", async () => {
  const { outbox, server, events } = await open();
  outbox.put("12", sheet(12));
  await server.last.replyWithoutJson(502);
  assert.deepEqual(events.at(-1), { entry: "12", kind: "waiting", status: 502, message: null });
});

test("a request with no answer is given up after 15 seconds and sent again", async () => {
  const { outbox, timers, server, events } = await open();
  outbox.put("12", sheet(12));
  await timers.advance(14999);
  assert.equal(events.at(-1).kind, "sending");
  await timers.advance(1);
  assert.ok(server.requests[0].init.signal.aborted);
  assert.deepEqual(events.at(-1), { entry: "12", kind: "waiting", status: null, message: null });
  await timers.advance(1000);
  assert.equal(server.requests.length, 2);
});

test("a refusal on the merits stops sending the change, keeps it as the sheet's edit with the server's message, and the queue moves on", async () => {
  const { outbox, storage, timers, server, events } = await open();
  outbox.put("12", sheet(12, { submit: true }));
  await timers.advance(1);
  outbox.put("13", sheet(13));
  await server.last.reply(409, { error: "round_locked", message: "Vòng thi đã khóa." });
  assert.deepEqual(stored(storage, "12"), {
    pending: null,
    retry: null,
    edit: sheet(12, { submit: true }),
    error: "Vòng thi đã khóa.",
    code: "round_locked",
  });
  assert.deepEqual(events.find((event) => event.kind === "refused"), {
    entry: "12",
    kind: "refused",
    message: "Vòng thi đã khóa.",
    code: "round_locked",
  });
  assert.equal(server.last.body.entry, 13, "the next sheet goes at once");
  assert.deepEqual(timers.waiting(), [15000]); // only the request's deadline: no retry
});

test("a refusal without a message says its status", async () => {
  const { outbox, storage, server, events } = await open();
  outbox.put("12", sheet(12));
  await server.last.replyWithoutJson(422);
  assert.equal(stored(storage, "12").error, "422");
  assert.deepEqual(events.at(-1), { entry: "12", kind: "refused", message: "422", code: undefined });
});

test("a submit meeting sheet_exists goes to the sheet another tablet started", async () => {
  const { outbox, storage, server, kinds } = await open();
  outbox.put("12", sheet(12, { submit: true }));
  await server.last.reply(409, { error: "sheet_exists", message: "Đã có phiếu", sheet_id: "other-tablet" });
  assert.equal(server.requests.length, 2);
  assert.deepEqual(server.last.body, sheet(12, { id: "other-tablet", submit: true }));
  assert.equal(stored(storage, "12").pending.id, "other-tablet");
  assert.ok(!kinds().includes("12:refused"));
  await server.last.reply(200, { id: "other-tablet", status: "submitted" });
  assert.equal(stored(storage, "12").pending, null);
});

test("a draft meeting sheet_exists is refused and gives way: only a submit takes over another sheet", async () => {
  const { outbox, storage, server, events } = await open();
  outbox.put("12", sheet(12));
  await server.last.reply(409, { error: "sheet_exists", message: "Đã có phiếu", sheet_id: "other-tablet" });
  assert.equal(server.requests.length, 1);
  assert.equal(stored(storage, "12").pending, null);
  assert.equal(stored(storage, "12").edit, null, "the reloaded page shows the other tablet's sheet");
  assert.deepEqual(outbox.edited(), []);
  assert.equal(events.at(-1).kind, "refused");
});

test("the sheets changed on the tablet and not on their way are the edited ones", async () => {
  const edit = sheet(12, { submit: true });
  const server = { id: "sheet-15", status: "submitted", scores: { ...edit.scores }, comment: edit.comment };
  const storage = new MemoryStorage({
    [`sangtao:sheet:${JUDGE}:12`]: JSON.stringify({ pending: null, edit }),
    [`sangtao:sheet:${JUDGE}:13`]: JSON.stringify({ pending: null, edit: null }),
    [`sangtao:sheet:${JUDGE + 1}:14`]: JSON.stringify({ pending: null, edit: sheet(14, { submit: true }) }),
    // Refused (the round is locked): kept to be seen, never to be sent again.
    [`sangtao:sheet:${JUDGE}:16`]: JSON.stringify({ pending: null, edit: sheet(16), code: "round_locked" }),
    // Changed back to what the server holds.
    [`sangtao:sheet:${JUDGE}:15`]: JSON.stringify({ pending: null, edit: sheet(15), server }),
  });
  const { outbox } = await open({ storage });
  assert.deepEqual(outbox.edited(), ["12"]);
  outbox.put("12", sheet(12, { submit: true }));
  assert.deepEqual(outbox.edited(), []);
  assert.deepEqual(outbox.waiting(), ["12"]);
});

test("the acknowledgement of a stale version does not clear a newer one waiting", async () => {
  const { outbox, storage, server, events } = await open();
  outbox.put("12", sheet(12, { scores: { novelty: 18, pitch: 8 } }));
  outbox.put("12", sheet(12, { scores: { novelty: 18, pitch: 9 } })); // while the first is on its way
  assert.equal(server.requests.length, 1);
  const answer = { id: "sheet-12", status: "draft", scores: { novelty: 18, pitch: 8 } };
  await server.last.reply(201, answer);
  assert.deepEqual(events.find((event) => event.kind === "saved").sheet, answer);
  assert.deepEqual(stored(storage, "12").server, answer);
  assert.equal(stored(storage, "12").pending.scores.pitch, 9);
  assert.equal(server.requests.length, 2);
  assert.equal(server.last.body.scores.pitch, 9);
  await server.last.reply(200, { ...answer, scores: { novelty: 18, pitch: 9 } });
  assert.equal(stored(storage, "12").pending, null);
});

test("a refusal of a stale version keeps the newer one waiting", async () => {
  const { outbox, storage, server } = await open();
  outbox.put("12", sheet(12));
  outbox.put("12", sheet(12, { comment: "mới hơn" }));
  await server.last.reply(422, { error: "out_of_range", message: "Điểm ngoài thang" });
  assert.equal(stored(storage, "12").pending.comment, "mới hơn");
  assert.equal(server.last.body.comment, "mới hơn");
});

test("a queued version clears any edit kept back on the tablet, and an earlier refusal", async () => {
  const storage = new MemoryStorage({
    [`sangtao:sheet:${JUDGE}:12`]: JSON.stringify({
      pending: null,
      server: { id: "sheet-12", status: "submitted" },
      edit: sheet(12, { comment: "chưa gửi", submit: true }),
      error: "Vòng thi đã khóa.",
    }),
  });
  const { outbox } = await open({ storage });
  outbox.put("12", sheet(12));
  const record = stored(storage, "12");
  assert.equal(record.edit, null);
  assert.equal(record.error, null);
  assert.deepEqual(record.server, { id: "sheet-12", status: "submitted" });
});

test("back online, what waits is sent at once and the back-off starts again", async () => {
  const { outbox, storage, timers, server, network } = await open();
  outbox.put("12", sheet(12));
  await server.last.fail();
  await timers.advance(1000);
  await server.last.fail();
  assert.deepEqual(timers.waiting(), [2000]);
  network.dispatchEvent(new Event("online"));
  assert.equal(server.requests.length, 3);
  assert.deepEqual(timers.waiting(), [15000], "the retry timer is cancelled");
  await server.last.fail();
  assert.deepEqual(timers.waiting(), [1000]);
  assert.equal(stored(storage, "12").retry.attempts, 3, "what the sheet went through is kept");
});

test("a page shown again sends what waits; a hidden page does not", async () => {
  const { outbox, timers, server, page } = await open();
  outbox.put("12", sheet(12));
  await server.last.fail();
  page.hidden = true;
  page.dispatchEvent(new Event("visibilitychange"));
  assert.equal(server.requests.length, 1);
  page.hidden = false;
  page.dispatchEvent(new Event("visibilitychange"));
  assert.equal(server.requests.length, 2);
  await timers.advance(1000); // the retry finds a request already on its way
  assert.equal(server.requests.length, 2);
});

const BROKEN = [500, { error: "server_error", message: "Đã có lỗi xảy ra. Vui lòng thử lại." }];

// The server takes every sheet but entry 12's, which fails every time.
function allBut12(body) {
  return body.entry === 12 ? BROKEN : [201, { id: body.id, status: "submitted" }];
}

test("a sheet the server fails on every time does not hold back the sheets after it", async () => {
  const { outbox, storage, timers, server } = await open();
  outbox.put("12", sheet(12, { submit: true }));
  await timers.advance(1);
  outbox.put("13", sheet(13, { submit: true }));
  await timers.advance(1);
  outbox.put("14", sheet(14, { submit: true }));
  await server.run(timers, 60000, allBut12);
  for (const entry of ["13", "14"]) {
    assert.equal(stored(storage, entry).pending, null);
    assert.equal(stored(storage, entry).server.status, "submitted");
  }
  assert.deepEqual(outbox.waiting(), ["12"]);
  assert.deepEqual(stored(storage, "12").pending, { ...sheet(12, { submit: true }), queuedAt: 0 });
  const sent = server.requests.map((request) => request.body.entry);
  assert.deepEqual(sent.slice(0, 4), [12, 13, 14, 12]);
  assert.ok(sent.filter((entry) => entry === 12).length > 5, "the failing sheet is still tried");
  outbox.put("15", sheet(15)); // a sheet scored later goes too
  await server.run(timers, 20000, allBut12);
  assert.equal(stored(storage, "15").pending, null);
});

test("records that keep failing take turns", async () => {
  const { outbox, timers, server } = await open();
  for (const entry of ["12", "13", "14"]) {
    outbox.put(entry, sheet(entry));
    await timers.advance(1);
  }
  await server.run(timers, 4000, () => null);
  const sent = server.requests.map((request) => request.body.entry);
  assert.deepEqual(sent, [12, 13, 14, 12, 13, 14, 12, 13, 14]);
});

test("each record has its own back-off", async () => {
  const { outbox, storage, timers, server } = await open();
  outbox.put("12", sheet(12));
  await server.last.reply(...BROKEN); // at 0: again at 1 s
  await timers.advance(1000);
  await server.last.reply(...BROKEN); // at 1 s: again at 3 s
  await timers.advance(2000);
  await server.last.reply(...BROKEN); // at 3 s: again at 7 s
  assert.deepEqual(timers.waiting(), [4000]);
  outbox.put("13", sheet(13));
  assert.equal(server.last.body.entry, 13, "a new sheet does not wait for a failing one");
  await server.last.fail(); // at 3 s: again at 4 s, not after 12's 8 s
  assert.deepEqual(timers.waiting(), [1000]);
  assert.deepEqual([stored(storage, "12").retry.delay, stored(storage, "13").retry.delay], [4000, 1000]);
  await timers.advance(1000);
  assert.equal(server.last.body.entry, 13);
  await server.last.reply(201, { id: "sheet-13", status: "draft" });
  assert.deepEqual(timers.waiting(), [3000], "12 waits for the rest of its own back-off");
  await timers.advance(3000);
  assert.equal(server.last.body.entry, 12);
  await server.last.reply(...BROKEN);
  assert.deepEqual(timers.waiting(), [8000]);
});

test("a record counts its attempts and keeps the time and trouble of the latest", async () => {
  const { outbox, storage, timers, server, events } = await open();
  outbox.put("12", sheet(12));
  await timers.advance(300);
  await server.last.reply(...BROKEN);
  assert.deepEqual(stored(storage, "12").retry, {
    attempts: 1,
    delay: 1000,
    at: 1300,
    triedAt: 0,
    status: 500,
    message: "Đã có lỗi xảy ra. Vui lòng thử lại.",
  });
  assert.deepEqual(events.at(-1), { entry: "12", kind: "waiting", status: 500, message: BROKEN[1].message });
  await timers.advance(1000);
  await server.last.fail();
  assert.deepEqual(stored(storage, "12").retry, {
    attempts: 2,
    delay: 2000,
    at: 3300,
    triedAt: 1300,
    status: null,
    message: null,
  });
  await timers.advance(2000);
  await server.last.replyWithoutJson(502);
  assert.deepEqual(stored(storage, "12").retry, {
    attempts: 3,
    delay: 4000,
    at: 7300,
    triedAt: 3300,
    status: 502,
    message: null,
  });
  await timers.advance(4000);
  await server.last.reply(201, { id: "sheet-12", status: "draft" });
  assert.equal(stored(storage, "12").retry, null);
});

test("a new version of a failing sheet starts afresh and is sent at once", async () => {
  const { outbox, storage, timers, server } = await open();
  outbox.put("12", sheet(12, { comment: "lỗi" }));
  await server.last.reply(...BROKEN);
  await timers.advance(1000);
  await server.last.reply(...BROKEN);
  await timers.advance(2000);
  await server.last.reply(...BROKEN);
  assert.equal(stored(storage, "12").retry.attempts, 3);
  outbox.put("12", sheet(12, { comment: "đã sửa" }));
  assert.equal(stored(storage, "12").retry, null);
  assert.equal(server.requests.length, 4);
  assert.equal(server.last.body.comment, "đã sửa");
  await server.last.reply(...BROKEN);
  assert.deepEqual(stored(storage, "12").retry.attempts, 1);
  assert.deepEqual(timers.waiting(), [1000]);
});

test("the failure of a version replaced on its way does not count against the new one", async () => {
  const { outbox, storage, server } = await open();
  outbox.put("12", sheet(12, { comment: "lỗi" }));
  outbox.put("12", sheet(12, { comment: "đã sửa" }));
  await server.last.reply(...BROKEN);
  assert.equal(stored(storage, "12").retry, null);
  assert.equal(server.requests.length, 2);
  assert.equal(server.last.body.comment, "đã sửa");
});

test("a back-off kept in storage holds on the next page", async () => {
  const record = (entry, retryAt) =>
    JSON.stringify({
      pending: { ...sheet(entry), queuedAt: 0 },
      retry: { attempts: 4, delay: 8000, at: retryAt, triedAt: 0, status: 500, message: null },
    });
  const storage = new MemoryStorage({
    [`sangtao:sheet:${JUDGE}:12`]: record(12, 5000),
    [`sangtao:sheet:${JUDGE}:13`]: JSON.stringify({ pending: { ...sheet(13), queuedAt: 10 } }),
  });
  const { timers, server } = await open({ storage });
  assert.deepEqual(
    server.requests.map((request) => request.body.entry),
    [13],
    "12 waits for its back-off",
  );
  await server.last.reply(201, { id: "sheet-13", status: "draft" });
  await timers.advance(4999);
  assert.equal(server.requests.length, 1);
  await timers.advance(1);
  assert.equal(server.last.body.entry, 12);
  await server.last.reply(...BROKEN);
  assert.equal(stored(storage, "12").retry.attempts, 5);
});

test("a back-off set by a clock since put back is over", async () => {
  const storage = new MemoryStorage({
    [`sangtao:sheet:${JUDGE}:12`]: JSON.stringify({
      pending: { ...sheet(12), queuedAt: 0 },
      retry: { attempts: 1, delay: 1000, at: 3_600_000, triedAt: 3_599_000, status: 500, message: null },
    }),
  });
  const { server } = await open({ storage });
  assert.equal(server.requests.length, 1);
});
