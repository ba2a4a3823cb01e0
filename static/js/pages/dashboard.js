// The organiser's dashboard: it draws the snapshot the page came with, then every newer one pushed
// over the /dashboard namespace (and, for managers and owners, the score spread over
// /dashboard-scores); a snapshot whose version is not newer than the one shown is ignored. After
// every (re)connect, and every 30 seconds, the page gets the current snapshots again. The
// exhibition's figures (visits, votes) are read again on a timer: visits move no live version.
import { io } from "socket.io-client";
import { Chart, registerables } from "chart.js";
import { readConfig } from "#lib/config.js";

Chart.register(...registerables);

const REFRESH_EVERY = 30000;
const ICONS = { submitted: "✓", draft: "✎", recused: "⊘", not_assigned: "–", missing: "○" };
const COLOURS = { brand: "#0b5cad", ok: "#157347", ink: "#1b2430" };

const config = readConfig("dashboard-config");
const text = config.text;
const lang = document.documentElement.lang === "en" ? "en" : "vi-VN";
const link = document.getElementById("link");
const shown = { dashboard: 0, spread: 0 };
const charts = {};
let current = config.snapshot;

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}

function number(value, digits = 0) {
  return value.toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function element(tag, attributes = {}, ...children) {
  const made = document.createElement(tag);
  Object.entries(attributes).forEach(([key, value]) => {
    if (key === "className") made.className = value;
    else if (key === "text") made.textContent = value;
    else made.setAttribute(key, value);
  });
  made.append(...children);
  return made;
}

function tile(key, label, value, note) {
  const body = element("p", { className: "tile-value", "data-count": key, text: value });
  const parts = [element("p", { className: "tile-label", text: label }), body];
  if (note) parts.push(element("p", { className: "muted tile-note", text: note }));
  return element("div", { className: "card tile", "data-testid": `tile-${key}` }, ...parts);
}

function entryNote(entries) {
  return Object.entries(entries)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${number(count)} ${text.entryStatus[status].toLowerCase()}`)
    .join(" · ");
}

let figures = config.figures;

function renderTiles(snapshot) {
  const counts = snapshot.counts;
  const entries = Object.values(counts.entries).reduce((a, b) => a + b, 0);
  const sheets = counts.sheets;
  const tiles = [
    tile("entries", text.entries, number(entries), entryNote(counts.entries)),
    tile(
      "sheets",
      text.sheets,
      number(sheets.submitted),
      format(text.sheetsOf, { expected: number(sheets.expected), drafts: number(sheets.drafts) }),
    ),
    tile("judges", text.judges, number(counts.judges)),
    ...figures.map((figure) => tile(figure.key, figure.label, number(figure.total))),
  ];
  document.getElementById("tiles").replaceChildren(...tiles);
}

function renderPitching(snapshot) {
  const box = document.getElementById("pitching");
  if (snapshot.pitching.length === 0) {
    box.replaceChildren(element("p", { className: "muted", text: text.noPitching }));
    return;
  }
  box.replaceChildren(
    ...snapshot.pitching.map((entry) => {
      const waiting = entry.waiting.length
        ? element(
            "p",
            { "data-testid": `waiting-${entry.id}` },
            element("strong", { text: `${text.waiting} ` }),
            entry.waiting.join(", "),
          )
        : element("p", { className: "ok", "data-testid": `waiting-${entry.id}`, text: `✓ ${text.allSubmitted}` });
      return element("div", { className: "pitching" }, element("h3", { text: entry.title }), waiting);
    }),
  );
}

function renderLegend() {
  document.getElementById("legend").replaceChildren(
    ...Object.keys(ICONS).map((state) => [state, text.states[state]]).map(([state, label]) =>
      element("li", {}, element("span", { className: `cell ${state}`, "aria-hidden": "true", text: ICONS[state] }), ` ${label}`),
    ),
  );
}

function renderMatrix(snapshot) {
  const table = document.getElementById("matrix");
  table.dataset.version = String(snapshot.version);
  if (snapshot.judges.length === 0 || snapshot.entries.length === 0) {
    table.replaceChildren(element("caption", { className: "muted", text: text.noMatrix }));
    return;
  }
  const head = element(
    "tr",
    {},
    element("th", { scope: "col", text: text.judge }),
    ...snapshot.entries.map((entry) =>
      element(
        "th",
        { scope: "col", className: `entry-head ${entry.status}`, title: `${entry.round} · ${entry.title}` },
        element("span", { text: String(entry.order) }),
        element("span", { className: "sr-only", text: ` ${entry.title}` }),
      ),
    ),
  );
  const names = Object.fromEntries(snapshot.judges.map((judge) => [judge.id, judge]));
  const rows = snapshot.matrix.map((row) => {
    const judge = names[row.judge];
    const label = judge.code ? `${judge.code} · ${judge.name}` : judge.name;
    return element(
      "tr",
      {},
      element("th", { scope: "row", text: label }),
      ...row.cells.map((state, index) =>
        element(
          "td",
          {
            className: `cell ${state}`,
            "data-cell": `${row.judge}-${snapshot.entries[index].id}`,
            "data-state": state,
            title: `${judge.name} · ${snapshot.entries[index].title}: ${text.states[state]}`,
          },
          element("span", { "aria-hidden": "true", text: ICONS[state] }),
          element("span", { className: "sr-only", text: text.states[state] }),
        ),
      ),
    );
  });
  table.replaceChildren(element("thead", {}, head), element("tbody", {}, ...rows));
}

function chart(id, options) {
  const canvas = document.getElementById(id);
  if (charts[id]) {
    charts[id].data = options.data;
    charts[id].update();
  } else {
    charts[id] = new Chart(canvas, { ...options, options: { animation: false, maintainAspectRatio: false, ...options.options } });
  }
  return canvas;
}

function shortened(label) {
  return label.length > 32 ? `${label.slice(0, 31)}…` : label;
}

function clock(iso) {
  return new Date(iso).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", hour12: false });
}

function renderTimeline(snapshot) {
  const times = snapshot.submitted_at;
  const canvas = chart("timeline-chart", {
    type: "line",
    data: {
      labels: times.map(clock),
      datasets: [{ label: text.timelineLabel, data: times.map((_, i) => i + 1), borderColor: COLOURS.brand, stepped: true, pointRadius: 2 }],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
  });
  canvas.setAttribute(
    "aria-label",
    times.length ? format(text.timelineSummary, { count: number(times.length), time: clock(times[times.length - 1]) }) : text.timelineEmpty,
  );
}

function renderSpread(spread) {
  const scored = spread.entries.filter((entry) => entry.n > 0);
  const canvas = chart("spread-chart", {
    type: "bar",
    data: {
      labels: spread.entries.map((entry) => String(entry.order)),
      datasets: [
        { type: "line", showLine: false, label: text.mean, data: spread.entries.map((entry) => entry.mean), backgroundColor: COLOURS.ink, borderColor: COLOURS.ink, pointRadius: 4 },
        { label: `${text.low} – ${text.high}`, data: spread.entries.map((entry) => (entry.low === null ? null : [entry.low, entry.high])), backgroundColor: "rgba(11, 92, 173, 0.35)", borderColor: COLOURS.brand, borderWidth: 1, minBarLength: 3 },
      ],
    },
    options: {
      scales: { x: { type: "category" }, y: { min: 0, max: 100 } },
      plugins: { tooltip: { callbacks: { title: (items) => spread.entries[items[0].dataIndex].title } } },
    },
  });
  const widest = scored.reduce((best, entry) => (best === null || entry.high - entry.low > best.high - best.low ? entry : best), null);
  canvas.setAttribute(
    "aria-label",
    widest ? format(text.spreadSummary, { count: number(scored.length), gap: number(widest.high - widest.low, 2), title: widest.title }) : text.spreadEmpty,
  );
  const value = (v) => (v === null ? "–" : number(v, 2));
  document.getElementById("spread-table").replaceChildren(
    element("thead", {}, element("tr", {}, ...[text.entries, text.sheetsCount, text.low, text.mean, text.high].map((h) => element("th", { scope: "col", text: h })))),
    element(
      "tbody",
      {},
      ...spread.entries.map((entry) =>
        element("tr", {}, element("td", { text: `${entry.order}. ${entry.title}` }), ...[number(entry.n), value(entry.low), value(entry.mean), value(entry.high)].map((v) => element("td", { className: "num", text: v }))),
      ),
    ),
  );
  shown.spread = spread.version;
}

function renderFigureCharts() {
  const box = document.getElementById("figure-charts");
  figures
    .filter((figure) => figure.chart)
    .forEach((figure) => {
      const id = `figure-${figure.key}`;
      if (!document.getElementById(id)) {
        box.append(
          element(
            "section",
            { className: "card", "aria-labelledby": `${id}-title` },
            element("h2", { id: `${id}-title`, text: figure.chart }),
            element("div", { className: "chart-box" }, element("canvas", { id, role: "img" })),
            element("details", {}, element("summary", { text: text.asTable }), element("table", { className: "table", id: `${id}-table` })),
          ),
        );
      }
      const canvas = chart(id, {
        type: "bar",
        data: { labels: figure.bars.map(([label]) => label), datasets: [{ label: figure.label, data: figure.bars.map(([, n]) => n), backgroundColor: COLOURS.ok }] },
        options: {
          indexAxis: "y",
          scales: {
            x: { beginAtZero: true, ticks: { precision: 0 } },
            // Long titles are cut on the axis; the tooltip and the table give them whole.
            y: { ticks: { callback: (_, index) => shortened(figure.bars[index][0]) } },
          },
          plugins: { legend: { display: false } },
        },
      });
      const top = figure.bars.reduce((best, bar) => (best === null || bar[1] > best[1] ? bar : best), null);
      canvas.setAttribute(
        "aria-label",
        top && figure.total > 0 ? format(text.barsSummary, { total: number(figure.total), top: top[0], count: number(top[1]) }) : text.barsEmpty,
      );
      document.getElementById(`${id}-table`).replaceChildren(
        element(
          "tbody",
          {},
          ...figure.bars.map(([label, n]) => element("tr", {}, element("td", { text: label }), element("td", { className: "num", text: number(n) }))),
        ),
      );
    });
}

function render(snapshot) {
  renderTiles(snapshot);
  renderPitching(snapshot);
  renderMatrix(snapshot);
  renderTimeline(snapshot);
  shown.dashboard = snapshot.version;
  current = snapshot;
}

renderLegend();
render(config.snapshot);
renderFigureCharts();
if (config.spread) renderSpread(config.spread);

function follow(namespace, feed, draw, key) {
  const socket = io(namespace, { auth: { event: config.event } });
  socket.on(feed, (snapshot) => {
    if (snapshot.event === config.event && snapshot.version > shown[key]) draw(snapshot);
  });
  setInterval(() => {
    if (socket.connected) socket.emit("refresh", { event: config.event });
  }, REFRESH_EVERY);
  return socket;
}

const socket = follow("/dashboard", "dashboard", render, "dashboard");
socket.on("connect", () => {
  link.className = "live-state live";
  link.textContent = link.dataset.live;
});
socket.on("disconnect", () => {
  link.className = "live-state down";
  link.textContent = link.dataset.down;
});
if (config.spread) follow("/dashboard-scores", "score_spread", renderSpread, "spread");

setInterval(async () => {
  try {
    const answer = await fetch(config.figuresUrl, { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    figures = await answer.json();
    renderFigureCharts();
    renderTiles(current);
  } catch {
    // The venue's Wi-Fi dropped: the next tick tries again.
  }
}, config.figuresEvery * 1000);
