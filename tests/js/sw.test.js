// The judge's service worker (static/js/sw.js), run in a sandbox of its own with fakes: caches in
// memory and a server whose every answer waits for the test, so that answers land in the order a
// crowded Wi-Fi may bring them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const ORIGIN = "http://tablet.local";
const SOURCE = readFileSync(new URL("../../static/js/sw.js", import.meta.url), "utf8");
const BUILD = { version: "1", scope: "/judge", static: "/static/", shell: [], offline: "Chưa lưu trang này" };

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
      match: async (url) => store.get(String(url)),
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
    return new Promise((resolve) => {
      requests.push({
        path: new URL(url).pathname,
        // The server's page for this judge (null: not signed in).
        async answer(judge, status = judge === null ? 401 : 200) {
          const headers = judge === null ? {} : { "Sangtao-Judge": String(judge) };
          resolve(new Response(`<p>${url}</p>`, { status, headers }));
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
  // The network is never slow here: the wait for the kept copy never ends.
  const setTimeout = () => 0;
  vm.runInNewContext(SOURCE, { self, caches, fetch, Response, URL, setTimeout, Promise });
  const pending = [];
  // Hands the worker an event, and lets it run until it waits for the server.
  async function dispatch(kind, fields) {
    handlers[kind]({ ...fields, respondWith: (answer) => pending.push(answer), waitUntil: (work) => pending.push(work) });
    await settle();
  }
  return {
    caches,
    requests,
    // The pitches page asks for its sheet pages to be kept.
    keep: (paths) => dispatch("message", { data: { kind: "keep", pages: paths } }),
    open: (path) => dispatch("fetch", { request: { url: ORIGIN + path, method: "GET", mode: "navigate" } }),
    signOut: () => dispatch("fetch", { request: { url: ORIGIN + "/judge/logout", method: "POST", mode: "same-origin" } }),
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
  await waiting(tablet, "/judge/entries/1").answer(1);
  await tablet.done();
  assert.deepEqual(tablet.caches.pages(), {});
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
