// A round's running order: entries move by drag and drop (SortableJS, by the handle), by the Lên
// and Xuống buttons, or with Alt+ArrowUp/ArrowDown from anywhere in a row. Each move is announced
// to screen readers, then the whole order is saved; if the server refuses it (someone changed the
// round: 409) or cannot be reached, the previous order comes back and the page says why. Without
// this script the buttons are plain forms. The search box filters the initiatives to add as the
// organiser types, accents and case aside.
import Sortable from "sortablejs";
import { readConfig } from "#lib/config.js";
import { filterAsTyped } from "#lib/filter.js";

const config = readConfig("rounds-config");
const body = document.getElementById("running-order");
const announcer = document.getElementById("order-status");
const problem = document.getElementById("order-error");
const search = document.getElementById("candidate-search");
const count = document.getElementById("candidate-count");

function rows() {
  return [...body.querySelectorAll("tr[data-entry]")];
}

function order() {
  return rows().map((row) => Number(row.dataset.entry));
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (_match, key) => String(values[key]));
}

// The numbers, and the buttons that cannot move a row further, follow the rows.
function renumber() {
  const all = rows();
  all.forEach((row, index) => {
    row.querySelector(".order").textContent = String(index + 1);
    row.querySelector("button[value='up']").disabled = index === 0;
    row.querySelector("button[value='down']").disabled = index === all.length - 1;
  });
}

function announce(row) {
  const position = rows().indexOf(row) + 1;
  announcer.textContent = fill(config.text.moved, {
    title: row.dataset.title,
    position,
    count: rows().length,
  });
}

function restore(ids) {
  const byId = new Map(rows().map((row) => [Number(row.dataset.entry), row]));
  for (const id of ids) body.append(byId.get(id));
  renumber();
}

async function save(previous) {
  problem.hidden = true;
  let answer;
  try {
    answer = await fetch(config.order, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
      body: JSON.stringify({ order: order() }),
    });
  } catch {
    answer = null;
  }
  if (answer && answer.ok) {
    body.dataset.saved = order().join(",");
    announcer.textContent = `${announcer.textContent} ${config.text.saved}`;
    return;
  }
  const refusal = answer ? await answer.json().catch(() => null) : null;
  restore(previous);
  problem.textContent = refusal?.message || config.text.offline;
  problem.hidden = false;
}

function move(row, step) {
  const previous = order();
  const sibling = step < 0 ? row.previousElementSibling : row.nextElementSibling;
  if (!sibling) return;
  if (step < 0) sibling.before(row);
  else sibling.after(row);
  renumber();
  announce(row);
  save(previous);
}

body.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.classList.contains("move")) return;
  event.preventDefault();
  const button = event.submitter;
  const row = form.closest("tr");
  move(row, button.value === "up" ? -1 : 1);
  // The button stays under the cursor, unless the row reached an end and disabled it.
  const focus = button.disabled ? row.querySelector("button:not(:disabled)") : button;
  focus?.focus();
});

body.addEventListener("keydown", (event) => {
  if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
  const row = event.target.closest("tr[data-entry]");
  if (!row) return;
  event.preventDefault();
  const focused = document.activeElement;
  move(row, event.key === "ArrowUp" ? -1 : 1);
  focused.focus();
});

let before = order();
Sortable.create(body, {
  handle: ".handle",
  draggable: "tr[data-entry]",
  animation: 150,
  // Pointer events rather than HTML5 drag and drop: the same on a laptop and a tablet.
  forceFallback: true,
  onStart: () => {
    before = order();
  },
  onEnd: (event) => {
    if (event.oldIndex === event.newIndex) return;
    renumber();
    announce(event.item);
    save(before);
  },
});
for (const handle of body.querySelectorAll(".handle")) handle.hidden = false;
body.dataset.saved = order().join(",");

if (search) {
  filterAsTyped(search, document.querySelectorAll("#candidates [data-search]"), (shown) => {
    count.textContent = fill(config.text.count, { count: shown });
  });
}
