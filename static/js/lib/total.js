// The total of a score sheet out of 100, as scoring/results.py's sheet_total computes it:
// 100 * sum(weight * score / max), or null while any criterion is unscored (unscored is not zero).
// Both are checked against the same cases, tests/cases/sheet_totals.json.
export function sheetTotal(scores, criteria) {
  let sum = 0;
  for (const { key, weight, max } of criteria) {
    const value = scores[key];
    if (value === null || value === undefined) return null;
    sum += (weight * value) / max;
  }
  return 100 * sum;
}
