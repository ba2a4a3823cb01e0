// The standings on a big screen: every entry still in the contest, ranked, with its score and
// how many of its expected sheets are in ("3/5"); "Dự kiến" while the results are provisional.
// A screen set to "complete panels only" leaves out entries still waiting for a sheet (and says so
// when that leaves none). Rows that
// change place glide there (FLIP), unless reduced motion is asked for; titles wrap, never cut.
// A ranking taller than the screen is shown a page at a time (#lib/pager.js), above the phones'
// QR code.

import { pager } from "#lib/pager.js";

function cell(text, className) {
  const td = document.createElement("td");
  td.className = className;
  td.textContent = text;
  return td;
}

function score(value, lang) {
  return value === null
    ? "–"
    : value.toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function row(entry, lang) {
  const tr = document.createElement("tr");
  tr.dataset.entry = entry.entry_id;
  tr.appendChild(cell(entry.rank === null ? "" : String(entry.rank), "rank"));
  const what = cell("", "what");
  const title = document.createElement("span");
  title.className = "title";
  title.textContent = entry.title;
  const unit = document.createElement("span");
  unit.className = "unit";
  unit.textContent = entry.unit;
  what.append(title, unit);
  tr.appendChild(what);
  tr.appendChild(cell(score(entry.score, lang), "num"));
  tr.appendChild(cell(entry.sheets + "/" + entry.expected, "num sheets"));
  return tr;
}

export function complete(entry) {
  return entry.expected > 0 && entry.sheets >= entry.expected;
}

export function standings(stage) {
  const head = document.createElement("div");
  head.className = "mode-head";
  const title = document.createElement("h2");
  const badge = document.createElement("span");
  badge.className = "badge provisional";
  const pageNote = document.createElement("span");
  pageNote.className = "page-note";
  pageNote.dataset.testid = "board-page";
  head.append(title, badge, pageNote);
  const table = document.createElement("table");
  table.className = "board";
  table.dataset.testid = "board";
  table.id = "board";
  const body = document.createElement("tbody");
  const colgroup = document.createElement("colgroup");
  ["rank-col", "", "score-col", "sheets-col"].forEach((name) => {
    const col = document.createElement("col");
    if (name) col.className = name;
    colgroup.appendChild(col);
  });
  table.append(colgroup, document.createElement("thead"), body);
  const follow = document.createElement("figure");
  follow.className = "follow";
  const qr = document.createElement("img");
  const caption = document.createElement("figcaption");
  follow.append(qr, caption);
  const empty = document.createElement("p");
  empty.className = "announcement";
  empty.dataset.testid = "board-empty";
  stage.append(head, table, empty, follow);

  const paged = pager(
    body,
    () => stage.getBoundingClientRect().bottom - follow.getBoundingClientRect().height,
    pageNote,
  );

  return {
    stop: paged.stop,
    update(snapshot, ctx) {
      const t = ctx.texts;
      title.textContent = t.standings;
      badge.textContent = snapshot.provisional ? t.provisional : t.final;
      badge.classList.toggle("final", !snapshot.provisional);
      const headRow = document.createElement("tr");
      [
        [t.rank, "rank"],
        [t.initiative, ""],
        [t.score, "num"],
        [t.sheets, "num"],
      ].forEach(([text, className]) => {
        const th = document.createElement("th");
        th.textContent = text;
        th.className = className;
        th.scope = "col";
        headRow.appendChild(th);
      });
      table.tHead.replaceChildren(headRow);
      qr.src = ctx.liveQr;
      qr.alt = "";
      caption.textContent = t.follow + " · " + ctx.liveUrl;

      const entries = ctx.settings.complete_only
        ? snapshot.entries.filter(complete)
        : snapshot.entries;
      const before = new Map();
      Array.from(body.rows).forEach((tr) => {
        if (!tr.hidden) before.set(tr.dataset.entry, tr.getBoundingClientRect().top);
      });
      const rows = entries.map((entry) => row(entry, ctx.lang));
      body.replaceChildren(...rows);
      // No row: a sentence, not a header over an empty screen.
      table.hidden = !rows.length;
      empty.hidden = Boolean(rows.length);
      empty.textContent = ctx.settings.complete_only ? t.none_complete : t.no_entries;
      table.style.setProperty("--rows", String(Math.max(entries.length, 1)));
      table.dataset.version = String(snapshot.version);
      paged.fit(t.page);
      if (ctx.reduced) return;
      rows.forEach((tr) => {
        const was = before.get(tr.dataset.entry);
        if (was === undefined || tr.hidden) return;
        const moved = was - tr.getBoundingClientRect().top;
        if (Math.abs(moved) < 1) return;
        tr.animate([{ transform: `translateY(${moved}px)` }, { transform: "translateY(0)" }], {
          duration: 900,
          easing: "cubic-bezier(0.2, 0.7, 0.2, 1)",
        });
      });
    },
  };
}
