// A list taller than the big screen, shown a page at a time: as many rows as fit above a line
// that must stay clear (the bottom of the stage, or the phones' QR code above it), each page for
// PAGE_MS, with "Trang 1/2" in a note. No row is left below the edge.

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

// list: the element whose children are the rows (a tbody, an ol); floor(): the y the rows stay
// above; note: where the page number is written. fit(word) measures again after the rows changed
// (word: "Trang"); the page shown stays, if it still exists. stop() when the list leaves the
// screen.
export function pager(list, floor, note) {
  const rows = () => Array.from(list.children);
  let split = [];
  let page = 0;
  let word = "";

  function show() {
    const [start, end] = split[page] || [0, rows().length];
    rows().forEach((row, index) => {
      row.hidden = index < start || index >= end;
    });
    note.textContent = split.length > 1 ? `${word} ${page + 1}/${split.length}` : "";
  }

  // Measured with every row shown; again when the screen's size changes or the web font comes
  // (the rows are taller or shorter in it). The top is the list's own, never moved: a row may
  // be gliding to its new place.
  function measure() {
    const all = rows();
    all.forEach((row) => {
      row.hidden = false;
    });
    split = pages(
      all.map((row) => row.getBoundingClientRect().height),
      floor() - list.getBoundingClientRect().top,
    );
    if (page >= split.length) page = 0;
    show();
  }

  const turning = setInterval(() => {
    if (split.length < 2) return;
    page = (page + 1) % split.length;
    show();
  }, PAGE_MS);
  window.addEventListener("resize", measure);
  document.fonts.addEventListener("loadingdone", measure);

  return {
    fit(pageWord) {
      word = pageWord;
      measure();
    },
    stop() {
      clearInterval(turning);
      window.removeEventListener("resize", measure);
      document.fonts.removeEventListener("loadingdone", measure);
    },
  };
}
