// The tablet's total of a score sheet against the cases that also check the server's
// (tests/scoring/test_results.py): the judge sees the total the results will count.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { sheetTotal } from "#lib/total.js";

const { cases } = JSON.parse(readFileSync(new URL("../cases/sheet_totals.json", import.meta.url), "utf8"));

test("the shared cases are there", () => {
  assert.ok(cases.length >= 10);
});

for (const { name, criteria, scores, total } of cases) {
  test(name, () => {
    const got = sheetTotal(scores, criteria);
    if (total === null) {
      assert.equal(got, null);
    } else {
      assert.ok(Math.abs(got - total) <= 1e-9, `${got} is not ${total}`);
    }
  });
}
