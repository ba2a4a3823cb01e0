// The judge's service worker (static/js/sw.js), run in a sandbox of its own with fakes: caches in
// memory, a server whose every answer waits for the test, so that answers land in the order a
// crowded Wi-Fi may bring them, and a clock that moves only when the test says the network is slow.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const ORIGIN = "http://tablet.local";
const SOURCE = readFileSync(new URL("../../static/js/sw.js", import.meta.url), "utf8");
const BUILD = {
  version: "1",
  scope: "/judge",
  static: "/static/",
  shell: [],
  offline: "Chưa lưu trang này",
  signOutOffline: "Chưa đăng xuất được",
  back: "Về danh sách bài",
  signedIn: "signed_in",
};

// Every promise callback queued so far has run.
function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

class MemoryCaches {
  constructor() {
    this.stores = new Map();
  }
  async keys() {
    return [...this.stores.keys()];
  }
  async open(name) {
    if (!this.stores.has(name)) this.stores.set(name, new Map());
    const store = this.stores.get(name);
    return {
      put: async (url, response) => void store.set(String(url), response),
      delete: async (url) => store.delete(String(url)),
      match: async (url) => store.get(String(url))?.clone(),
      keys: async () => [...store.keys()].map((url) => ({ url })),
    };
  }
  async delete(name) {
    return this.stores.delete(name);
  }
  async match() {
    return undefined;
  }
  // Per cache of a judge's pages, the paths it keeps.
  pages() {
    const kept = {};
    for (const [name, store] of this.stores) {
      if (name.startsWith("sangtao-pages-")) kept[name] = [...store.keys()].map((url) => new URL(url).pathname);
    }
    return kept;
  }
}

// The worker, loaded as a browser loads it, with the server's requests waiting in `requests`.
function worker() {
  const handlers = {};
  const requests = [];
  const caches = new MemoryCaches();
  function fetch(request) {
    const url = typeof request === "string" ? request : request.url;
    return new Promise((resolve, reject) => {
      requests.push({
        path: new URL(url).pathname,
        // The server's page for this judge (null: not signed in), and the worker's turn to take it.
        async answer(judge, status = judge === null ? 401 : 200) {
          this.land(judge, status);
          await settle();
        },
        // The same, without the worker's turn: answers that land at the same moment.
        land(judge, status = judge === null ? 401 : 200) {
          const headers = judge === null ? {} : { "Sangtao-Judge": String(judge) };
          resolve(new Response(`<p>${judge}: ${new URL(url).pathname}</p>`, { status, headers }));
        },
        // No answer: the network is gone.
        async fail() {
          reject(new TypeError("Failed to fetch"));
          await settle();
        },
      });
    });
  }
  const self = {
    sangtaoBuild: BUILD,
    location: { origin: ORIGIN },
    clients: { claim: async () => undefined },
    skipWaiting: async () => undefined,
    addEventListener: (kind, handler) => void (handlers[kind] = handler),
  };
  // The wait for the network before a kept page is shown: over when the test says so.
  const timers = [];
  const setTimeout = (callback) => timers.push(callback);
  vm.runInNewContext(SOURCE, { self, caches, fetch, Response, URL, setTimeout, Promise });
  const pending = [];
  const shown = [];
  // Hands the worker an event, and lets it run until it waits for the server.
  async function dispatch(kind, fields) {
    const respondWith = (answer) => {
      shown.push(answer);
      pending.push(answer);
    };
    handlers[kind]({ ...fields, respondWith, waitUntil: (work) => pending.push(work) });
    await settle();
  }
  return {
    caches,
    requests,
    // What the tablet shows for each page opened, once it shows something.
    shown,
    // The network is slower than the worker's patience.
    slow: async () => {
      for (const callback of timers.splice(0)) callback();
      await settle();
    },
    // The pitches page asks for its sheet pages to be kept.
    keep: (paths) => dispatch("message", { data: { kind: "keep", pages: paths } }),
    open: (path) => dispatch("fetch", { request: { url: ORIGIN + path, method: "GET", mode: "navigate" } }),
    // The judge taps "Đăng xuất": the form's POST, which the test answers.
    signOut: () => dispatch("fetch", { request: { url: ORIGIN + "/judge/logout", method: "POST", mode: "navigate" } }),
    // Every piece of work the worker was handed has finished.
    done: async () => {
      await Promise.all(pending.map((work) => Promise.resolve(work).catch(() => undefined)));
      await settle();
    },
  };
}

function waiting(tablet, path) {
  return tablet.requests.find((request) => request.path === path);
}

// The text of a page the tablet shows, or null while it shows nothing yet.
async function onScreen(answer) {
  const first = await Promise.race([answer, settle().then(() => null)]);
  return first === null ? null : first.text();
}

// The server answers a signing out, which changes the session's cookie.
function signedOut(tablet) {
  return waiting(tablet, "/judge/logout").answer(null, 303);
}

test("a judge's page is kept for that judge", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await waiting(tablet, "/judge").answer(1);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-1": ["/judge"] });
});

test("another judge signing in forgets the first judge's pages", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await waiting(tablet, "/judge").answer(1);
  await tablet.open("/judge/entries/4");
  await tablet.requests[1].answer(2);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-2": ["/judge/entries/4"] });
});

test("sheet pages asked for the first judge that land after the next judge signed in are not kept", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await waiting(tablet, "/judge").answer(1);
  await tablet.keep(["/judge/entries/1", "/judge/entries/2"]);
  const late = tablet.requests.slice(1);
  await tablet.open("/judge");
  await tablet.requests[3].answer(2);
  for (const request of late) await request.answer(1);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-2": ["/judge"] });
});

test("pages asked before a signing out that land after it are not kept", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await waiting(tablet, "/judge").answer(1);
  await tablet.keep(["/judge/entries/1"]);
  await tablet.signOut();
  await signedOut(tablet);
  await waiting(tablet, "/judge/entries/1").answer(1);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), {});
});

test("pages asked while the signing out waits for its answer, which land after it, are not kept", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await waiting(tablet, "/judge").answer(1);
  await tablet.signOut();
  await tablet.keep(["/judge/entries/1"]);
  await signedOut(tablet);
  await waiting(tablet, "/judge/entries/1").answer(1);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), {});
});

test("a signing out without network keeps the judge's pages and says it did not sign out", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await waiting(tablet, "/judge").answer(1);
  await tablet.signOut();
  await waiting(tablet, "/judge/logout").fail();
  await tablet.done();
  const page = await onScreen(tablet.shown.at(-1));
  assert.match(page, /Chưa đăng xuất được/);
  assert.match(page, /<a href="\/judge"[^>]*>Về danh sách bài<\/a>/);
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-1": ["/judge"] });
});

test("a signing out that no server of ours answered keeps the judge's pages and says so", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await waiting(tablet, "/judge").answer(1);
  await tablet.signOut();
  await waiting(tablet, "/judge/logout").answer(null, 502);
  await tablet.done();
  assert.match(await onScreen(tablet.shown.at(-1)), /Chưa đăng xuất được/);
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-1": ["/judge"] });
});

test("the same judge's pages that land late are still kept", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await tablet.keep(["/judge/entries/1"]);
  await waiting(tablet, "/judge/entries/1").answer(1);
  await waiting(tablet, "/judge").answer(1);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-1": ["/judge/entries/1", "/judge"] });
});

test("a tablet the server no longer knows forgets every page, but not for an answer asked before the next judge", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await waiting(tablet, "/judge").answer(1);
  await tablet.keep(["/judge/entries/1"]);
  await tablet.open("/judge");
  await tablet.requests[2].answer(2);
  await waiting(tablet, "/judge/entries/1").answer(null);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-2": ["/judge"] });

  await tablet.open("/judge/entries/3");
  await tablet.requests[3].answer(null);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), {});
});

test("a worker the browser restarted keeps no page asked before a signing out that lands after it", async () => {
  const tablet = worker();
  await tablet.keep(["/judge", "/judge/entries/1"]);
  await tablet.signOut();
  await signedOut(tablet);
  for (const request of tablet.requests.slice(0, 2)) await request.answer(1);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), {});
});

test("a judge who signs in again keeps the tablet from the next judge's answer asked before", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await tablet.requests[0].answer(1);
  await tablet.open("/judge");
  await tablet.open("/judge");
  await tablet.requests[2].answer(1);
  await tablet.requests[1].answer(2);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-1": ["/judge"] });
});

test("two judges' answers landing at the same moment leave one judge's pages", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await tablet.requests[0].answer(1);
  await tablet.keep(["/judge/entries/1"]);
  await tablet.open("/judge/entries/2");
  tablet.requests[1].land(1);
  tablet.requests[2].land(2);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-2": ["/judge/entries/2"] });
});

test("a slow network shows the judge's kept page, and keeps the network's when it comes", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await tablet.requests[0].answer(1);
  await tablet.open("/judge");
  await tablet.slow();
  assert.equal(await onScreen(tablet.shown[1]), "<p>1: /judge</p>");
  await tablet.requests[1].answer(1);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-1": ["/judge"] });
});

test("the address a judge is sent to once signed in forgets the kept pages and never shows one", async () => {
  const tablet = worker();
  await tablet.open("/judge");
  await tablet.requests[0].answer(1);
  await tablet.open("/judge?signed_in=1");
  assert.deepEqual(tablet.caches.pages(), {});
  await tablet.slow();
  assert.equal(await onScreen(tablet.shown[1]), null);
  await tablet.requests[1].answer(2, 302);
  await tablet.open("/judge");
  await tablet.requests[2].answer(2);
  assert.equal(await onScreen(tablet.shown[2]), "<p>2: /judge</p>");
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-2": ["/judge"] });
});

test("a page gone is forgotten, even when the list's answer came first", async () => {
  const tablet = worker();
  await tablet.open("/judge/entries/1");
  await tablet.requests[0].answer(1);
  await tablet.keep(["/judge/entries/1", "/judge"]);
  await waiting(tablet, "/judge").answer(1);
  await tablet.requests[1].answer(1, 404);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), { "sangtao-pages-1": ["/judge"] });
});
