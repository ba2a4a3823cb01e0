// The judge's pages keep working without network: each page registers the service worker
// (/judge/sw.js, served by scoring/offline.py), the list of pitches asks it to keep every sheet
// page, and a page reloads once a newer server version's worker has taken over, so that a tablet
// never runs old code for long.
//
// When to reload: every change to a sheet is in the outbox's storage the moment it is made, so a
// reload loses nothing but an opened band with no point chosen yet and the place of the caret.
// Still, the judge should not see the page change under their finger: it reloads when the tablet
// is hidden (screen off, another app), or once nobody has touched it for QUIET ms with no text
// box being typed in.

export const QUIET = 10000;
const CHECK_EVERY = 5 * 60 * 1000; // how often an open page asks the server for a newer worker

// Whether a page running old code may reload now.
export function safeToReload({ hidden, quietFor, typing }) {
  return hidden || (!typing && quietFor >= QUIET);
}

// Register the worker (config: the "outbox-config" block's worker and scope) and hand it the pages
// to keep: this one if it went past the worker (opened before the worker was there), and, from
// the list of pitches, every sheet page (which also fetches again those kept before).
export function keepOffline(config, pages = []) {
  const workers = navigator.serviceWorker;
  if (!workers) return; // served over plain HTTP to another address than localhost
  const controlledAtLoad = Boolean(workers.controller);
  let controlled = controlledAtLoad;
  let stale = false;
  let touched = Date.now();

  function reloadIfSafe() {
    const typing = document.activeElement !== null && document.activeElement.matches("textarea, input");
    if (stale && safeToReload({ hidden: document.hidden, quietFor: Date.now() - touched, typing })) {
      stale = false;
      window.location.reload();
    }
  }

  // The first worker taking over a page is not an upgrade; any later one is.
  workers.addEventListener("controllerchange", () => {
    stale = controlled;
    controlled = true;
    reloadIfSafe();
  });
  for (const kind of ["pointerdown", "keydown", "input"]) {
    document.addEventListener(kind, () => (touched = Date.now()), { capture: true, passive: true });
  }
  document.addEventListener("visibilitychange", reloadIfSafe);
  window.setInterval(reloadIfSafe, 1000);

  workers
    .register(config.worker, { scope: config.scope })
    .then((registration) => {
      window.addEventListener("online", () => registration.update().catch(() => undefined));
      window.setInterval(() => registration.update().catch(() => undefined), CHECK_EVERY);
      return workers.ready;
    })
    .then((registration) => {
      const keep = controlledAtLoad && pages.length === 0 ? [] : [window.location.pathname, ...pages];
      if (keep.length > 0 && registration.active) registration.active.postMessage({ kind: "keep", pages: keep });
    })
    .catch(() => undefined); // no worker (private mode, storage full): the pages still work online
}
