// A big screen. It learns its mode from the "screens" feed and draws the feed that mode names
// with the mode's renderer (#lib/mode-*.js); the organiser switches it from the control page and
// it changes in place, never reloading. Every snapshot carries a version: one not newer than the
// one held is ignored. After every (re)connect the server sends every feed again, and the client
// reconnects quickly (backoff capped at 2 s), so a screen that lost the server, or a server that
// restarted, is back in its mode within seconds. "Mất kết nối" shows while it is away.
import { io } from "socket.io-client";
import { readConfig } from "#lib/config.js";
import { standings } from "#lib/mode-standings.js";
import { pitching } from "#lib/mode-pitching.js";
import { exhibitWall } from "#lib/mode-exhibits.js";
import { peoplesChoice, announcement, clock, blank } from "#lib/mode-messages.js";
import { reveal } from "#lib/mode-reveal.js";

// Each mode: the feed it draws (null: its settings are enough) and how it is drawn.
const MODES = {
  leaderboard: { feed: "standings", render: standings },
  pitching: { feed: "pitching", render: pitching },
  peoples_choice: { feed: "peoples_choice", render: peoplesChoice },
  exhibit_wall: { feed: "exhibits", render: exhibitWall },
  announcement: { feed: null, render: announcement },
  clock: { feed: null, render: clock },
  blank: { feed: null, render: blank },
  reveal: { feed: "reveal", render: reveal },
};
const REFRESH_EVERY = 30000;

const config = readConfig("screen-config");
const stage = document.getElementById("stage");
const link = document.getElementById("link");
const latest = {};
let shown = null; // { mode, view }
// How far the server's clock is ahead of this computer's: countdowns and the clock follow it.
const skew = Date.parse(config.now) - Date.now() || 0;

function mine(screens) {
  // A screen opened without a name shows the standings; a deleted one says so; the screen a
  // reveal's rehearsal names shows the rehearsal while it lasts.
  if (!config.screen) return { mode: "leaderboard", settings: {} };
  const rehearsal = latest.reveal && latest.reveal.rehearsal;
  if (rehearsal && rehearsal.screen === config.screen) return { mode: "reveal", settings: {} };
  return screens.screens[config.screen] || { mode: "unknown", settings: {} };
}

function context(settings) {
  return {
    settings,
    texts: config.texts,
    lang: document.documentElement.lang === "en" ? "en" : "vi-VN",
    liveUrl: config.live_url,
    liveQr: config.live_qr,
    screen: config.screen,
    reveal: config.reveal,
    skew,
    timezone: config.timezone,
    reduced: window.matchMedia("(prefers-reduced-motion: reduce)").matches,
  };
}

function draw() {
  if (!latest.screens) return; // the screens' feed comes first (see display/events.py)
  const { mode, settings } = mine(latest.screens);
  const kind = MODES[mode];
  if (!shown || shown.mode !== mode) {
    if (shown && shown.view.stop) shown.view.stop();
    stage.replaceChildren();
    document.body.dataset.mode = mode;
    if (!kind) {
      const note = document.createElement("p");
      note.className = "announcement";
      note.textContent = config.texts.unknown_screen;
      stage.appendChild(note);
      shown = { mode, view: {} };
      return;
    }
    shown = { mode, view: kind.render(stage) };
  }
  // A feed not received yet draws when it comes.
  const snapshot = kind && kind.feed ? latest[kind.feed] : null;
  if (kind && (!kind.feed || snapshot)) shown.view.update(snapshot, context(settings));
}

function receive(feed, snapshot) {
  if (!snapshot || snapshot.event !== config.event) return;
  if (latest[feed] && snapshot.version <= latest[feed].version) return;
  latest[feed] = snapshot;
  const kind = shown && MODES[shown.mode];
  // The reveal's feed may also start or end a rehearsal on this screen.
  if (feed === "screens" || feed === "reveal" || (kind && kind.feed === feed)) draw();
}

Object.entries(config.snapshots).forEach(([feed, snapshot]) => receive(feed, snapshot));

const socket = io("/display", {
  auth: { event: config.event, screen: config.screen, preview: config.preview },
  reconnectionDelay: 300,
  reconnectionDelayMax: 2000,
});
socket.on("connect", () => {
  link.className = "link-state live";
});
socket.on("disconnect", () => {
  link.className = "link-state down";
});
socket.on("connect_error", () => {
  link.className = "link-state down";
});
Object.keys(config.snapshots).forEach((feed) => {
  socket.on(feed, (snapshot) => receive(feed, snapshot));
});
// A broadcast lost on the way (a Redis outage, a failed emit) must not leave the screen stale:
// ask for the current snapshots now and then; they are cached.
setInterval(() => {
  if (socket.connected) socket.emit("refresh", { event: config.event });
}, REFRESH_EVERY);
