// A list that filters as one types in its search box, accents and case aside. What is already in
// the box when the page's script runs (typed while a slow page loaded, or put back by the browser)
// filters the list at once.

// Text as the search compares it: no diacritics, đ as d, case aside (core.i18n.fold).
export function fold(text) {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

// Show only the items (elements with a folded data-search) that hold the box's text, and tell
// `shown` how many are left.
export function filterAsTyped(search, items, shown) {
  function filter() {
    const wanted = fold(search.value.trim());
    let count = 0;
    for (const item of items) {
      item.hidden = !item.dataset.search.includes(wanted);
      if (!item.hidden) count += 1;
    }
    shown(count);
  }
  search.addEventListener("input", filter);
  if (search.value.trim()) filter();
}
