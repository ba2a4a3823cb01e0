// The standings on a big screen: every entry still in the contest, ranked, with its score and
// how many of its expected sheets are in ("3/5"); "Dự kiến" while the results are provisional.
// A screen set to "complete panels only" leaves out entries still waiting for a sheet. Rows that
// change place glide there (FLIP), unless reduced motion is asked for; titles wrap, never cut.
// A ranking taller than the screen is shown a page at a time, each for PAGE_MS ("Trang 1/2"),
// above the phones' QR code: no entry is left below the edge, none under the code.

export const PAGE_MS = 10000;

// The pages of rows of these heights in a room of this height: as many rows as fit on each, in
// order, and at least one (a row taller than the room has a page of its own).
export function pages(heights, room) {
  const found = [];
  let start = 0;
  let used = 0;
  heights.forEach((height, index) => {
    if (index > start && used + height > room) {
      found.push([start, index]);
      start = index;
      used = 0;
    }
    used += height;
  });
  if (heights.length) found.push([start, heights.length]);
  return found;
}

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
  stage.append(head, table, follow);

  let split = [];
  let page = 0;
  let pageWord = "";

  function showPage() {
    const [start, end] = split[page] || [0, body.rows.length];
    Array.from(body.rows).forEach((tr, index) => {
      tr.hidden = index < start || index >= end;
    });
    pageNote.textContent = split.length > 1 ? `${pageWord} ${page + 1}/${split.length}` : "";
  }

  // Measured with every row shown: what each takes, and the room between the table's first row
  // and the QR code.
  function paginate() {
    Array.from(body.rows).forEach((tr) => {
      tr.hidden = false;
    });
    const room =
      stage.getBoundingClientRect().bottom -
      follow.getBoundingClientRect().height -
      body.getBoundingClientRect().top;
    split = pages(
      Array.from(body.rows).map((tr) => tr.getBoundingClientRect().height),
      room,
    );
    if (page >= split.length) page = 0;
    showPage();
  }

  const turning = setInterval(() => {
    if (split.length < 2) return;
    page = (page + 1) % split.length;
    showPage();
  }, PAGE_MS);
  window.addEventListener("resize", paginate);

  return {
    stop() {
      clearInterval(turning);
      window.removeEventListener("resize", paginate);
    },
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
      table.style.setProperty("--rows", String(Math.max(entries.length, 1)));
      table.dataset.version = String(snapshot.version);
      pageWord = t.page;
      paginate();
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
