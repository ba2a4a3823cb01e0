// The ballot's page on the voter's phone: the list filters as the voter types (accents or not);
// the phone remembers its ballot for the booths' pages until it has voted.
import { forgetBallot, rememberBallot } from "#lib/ballot.js";
import { readConfig } from "#lib/config.js";
import { filterAsTyped } from "#lib/filter.js";

const holder = document.getElementById("ballot-config");
const list = document.getElementById("ballot-list");
const none = document.getElementById("ballot-none");
const search = document.getElementById("ballot-q");

if (holder) {
  const config = readConfig("ballot-config");
  rememberBallot(config.event, config.token);
} else if (document.querySelector("[data-testid=voted], [data-testid=used]")) {
  forgetBallot();
}

if (search && list) {
  filterAsTyped(search, list.children, (shown) => (none.hidden = shown > 0));
}
