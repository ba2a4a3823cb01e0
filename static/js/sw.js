// The judge's tablet without network: this service worker keeps the judge's pages (/judge, every
// /judge/entries/<id>) and the files they load, so a judge who opened them once keeps scoring
// through a Wi-Fi outage, a reload or a browser restart. It keeps no sheet: the outbox
// (#lib/outbox.js) holds those in storage and sends them itself.
//
// scoring/offline.py serves it with a first line, self.sangtaoBuild: this server's version, the
// scope, where static files live, the fingerprinted URLs of the shell (every file the pages load) and a message for a page
// never kept. A new version is a new script: it fetches its shell, takes over at once, fetches
// the kept pages again (they name the new files), then drops the old shell; the pages reload at a
// safe moment (#lib/offline.js).
//
// Pages: network first, the kept copy when the network fails or is slow. Pages are kept per judge
// (the server names the judge in a header): another judge signing in on this tablet, a signing
// out, or a server that no longer knows the tablet's session forgets them; the address a judge is
// sent to once signed in (marked by the server) is never answered with a kept page. Nothing else
// is kept: not the API, not the organiser's pages.
const { version, scope, shell, offline, signOutOffline, back, signedIn } = self.sangtaoBuild;
const files = self.sangtaoBuild.static; // where the static files are served from

const SHELL = "sangtao-shell-";
const PAGES = "sangtao-pages-";
const JUDGE_HEADER = "Sangtao-Judge";
const PATIENCE = 3000; // how long a page waits for the network before the kept copy is shown
const MATCH = { ignoreVary: true }; // the server varies on the cookie, which a worker never sees

function inScope(path) {
  return path === scope || path.startsWith(scope + "/");
}

async function pageCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(PAGES));
}

// Who the kept pages belong to: the judge named by the answer to the latest-asked request that has
// been answered. Every request the worker makes is numbered when it is asked; an answer to an
// earlier one counts only for that same judge. A signing out, a judge signing in, or a tablet the
// server no longer knows belongs to nobody. So an answer that lands late (the pitches page asks
// for every sheet page to be kept, and another judge may sign in, or this one out, before those
// come back) never brings back the pages of a judge who is gone. The owner lives in memory: a
// worker the browser restarted knows nobody until the next answer.
let asked = 0;
let owner = { judge: null, since: 0 };

function ask() {
  asked += 1;
  return asked;
}

// The caches are changed one answer at a time: forgetting a judge's pages and keeping another's
// is one step that no other answer comes between. A step only touches the caches (an answer's
// body is read before), so that a download that stalls holds up no other change.
let changes = Promise.resolve();

function serially(change) {
  const done = changes.then(change);
  changes = done.catch(() => undefined);
  return done;
}

async function forgetPages(except = null) {
  const names = await pageCaches();
  await Promise.all(names.filter((name) => name !== except).map((name) => caches.delete(name)));
}

// Whether an answer to request number `number`, naming `judge` (null: nobody), may change the
// kept pages; if it is the latest asked, the owner becomes its judge.
function claims(judge, number) {
  if (number < owner.since) return judge === owner.judge;
  owner = { judge, since: number };
  return true;
}

// Nobody's pages, as of request number `number`.
function forget(number) {
  return serially(async () => {
    if (claims(null, number)) await forgetPages();
  });
}

// Keep the server's answer for a judge's page: only a page the server rendered for a judge, as it
// is; another judge's page first forgets the pages of the previous one. A page that is gone is
// forgotten; a tablet the server no longer knows forgets them all.
async function remember(url, response, number) {
  const judge = response.headers.get(JUDGE_HEADER);
  if (response.status === 401) return forget(number);
  if (response.status === 404) {
    return serially(async () => {
      await Promise.all((await pageCaches()).map(async (name) => (await caches.open(name)).delete(url)));
    });
  }
  if (response.status !== 200 || !judge) return undefined;
  let page = null;
  if (!response.redirected) {
    const { status, statusText, headers } = response;
    page = new Response(await response.arrayBuffer(), { status, statusText, headers });
  }
  return serially(async () => {
    if (!claims(judge, number)) return;
    await forgetPages(PAGES + judge);
    if (page) await (await caches.open(PAGES + judge)).put(url, page);
  });
}

async function keptPage(url) {
  for (const name of await pageCaches()) {
    const found = await (await caches.open(name)).match(url, MATCH);
    if (found) return found;
  }
  return undefined;
}

// What the tablet says without network when it has nothing better (the messages come escaped),
// with the way back to the list of pitches.
function notice(message) {
  const page = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sáng tạo Live</title><div style="font:1.2rem sans-serif;margin:2rem"><p>${message}</p>
<p><a href="${scope}" style="display:inline-block;padding:0.8rem 1.2rem">${back}</a></p></div>`;
  return new Response(page, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function notKept() {
  return notice(offline);
}

function later(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Network first; the kept copy if the network fails, or is slower than PATIENCE (the network's
// answer is still kept when it comes). The address a judge is sent to once signed in says that the
// kept pages may be another judge's: they are forgotten, and its answer is waited for.
async function page(event) {
  const url = event.request.url;
  const signingIn = new URL(url).searchParams.has(signedIn);
  const number = ask();
  if (signingIn) event.waitUntil(forget(number));
  const network = fetch(event.request).then(async (response) => {
    await remember(url, response.clone(), number);
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  if (signingIn) return network.catch(() => notKept());
  const first = await Promise.race([network.catch(() => null), later(PATIENCE).then(() => null)]);
  if (first) return first;
  const kept = await keptPage(url);
  if (kept) return kept;
  return network.catch(() => notKept());
}

// Signing out: the pages are forgotten once the server has answered that the session is over
// (its redirect, or that it knew no session): a page asked before that answer was asked for the
// judge, numbered earlier, and is not kept. Without network, or with an answer from no server of
// ours (a proxy's 502 while it restarts), the tablet is still signed in: it keeps the judge's pages
// and says so. Any other answer (a form too old) is shown as it is.
async function signOut(request) {
  let answer;
  try {
    answer = await fetch(request);
  } catch {
    return notice(signOutOffline);
  }
  const redirected = answer.type === "opaqueredirect" || (answer.status >= 300 && answer.status < 400);
  if (redirected || answer.ok || answer.status === 401) {
    await forget(ask());
    return answer;
  }
  return answer.status >= 500 ? notice(signOutOffline) : answer;
}

// The shell's files never change at one URL: kept first, then the network (kept too when
// fingerprinted).
async function file(request) {
  const kept = await caches.match(request, MATCH);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).searchParams.has("v")) {
    await (await caches.open(SHELL + version)).put(request, response.clone());
  }
  return response;
}

// Fetch these pages again and keep them; true when every one came back.
async function refresh(urls) {
  const results = await Promise.all(
    urls.map((url) => {
      const number = ask();
      return fetch(url, { credentials: "same-origin" })
        .then((response) => remember(url, response, number).then(() => response.status === 200))
        .catch(() => false);
    }),
  );
  return results.every(Boolean);
}

async function keptUrls() {
  const urls = [];
  for (const name of await pageCaches()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
}

// Fetch these pages again and keep them; once every page kept has come back from this version,
// naming its files, the older shells go.
async function keep(urls) {
  const kept = await keptUrls();
  const everyPage = kept.every((url) => urls.includes(url));
  if ((await refresh(urls)) && everyPage) {
    const old = (await caches.keys()).filter((name) => name.startsWith(SHELL) && name !== SHELL + version);
    await Promise.all(old.map((name) => caches.delete(name)));
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL + version)
      .then((cache) => cache.addAll(shell))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    self.clients
      .claim()
      .then(keptUrls)
      .then((urls) => keep(urls)),
  );
});

// A page opened before the worker was there asks for itself to be kept; the list of pitches names
// every sheet page, so that a sheet never opened opens offline too.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.kind === "keep" && Array.isArray(data.pages)) {
    const pages = data.pages.map((path) => new URL(path, self.location.origin));
    const ours = pages.filter((url) => url.origin === self.location.origin && inScope(url.pathname));
    event.waitUntil(keep(ours.map((url) => url.href)));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === scope + "/logout") {
    event.respondWith(signOut(request));
  } else if (request.method === "GET" && request.mode === "navigate" && inScope(url.pathname)) {
    event.respondWith(page(event));
  } else if (request.method === "GET" && url.pathname.startsWith(files)) {
    event.respondWith(file(request));
  }
});
