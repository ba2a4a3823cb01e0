// The phone's page: the standings and the released people's choice, asked for every few
// seconds with the version it holds (ETag); an unchanged event answers 304 with no body. It
// pauses while the phone's screen is off and asks at once when it comes back.
import { readConfig } from "#lib/config.js";

const config = readConfig("live-config");
const lang = document.documentElement.lang === "en" ? "en" : "vi-VN";
const state = document.getElementById("state");
let tag = null;

function item(title, unit, figure) {
  const li = document.createElement("li");
  const name = document.createElement("strong");
  name.textContent = title;
  const from = document.createElement("span");
  from.className = "unit";
  from.textContent = unit + " · " + figure;
  li.append(name, from);
  return li;
}

function draw({ standings, peoples_choice: choice }) {
  document.getElementById("provisional").hidden = !standings.provisional;
  document.getElementById("standings").replaceChildren(
    ...standings.entries.map((entry) => {
      const t = config.texts;
      if (entry.rank === null) {
        // Not ranked yet: no number, and no score of "–".
        const li = item(entry.title, entry.unit, entry.sheets ? `${entry.sheets}/${entry.expected} ${t.sheets}` : t.no_sheets);
        li.className = "unranked";
        return li;
      }
      const score = entry.score === null ? "–" : entry.score.toLocaleString(lang, { minimumFractionDigits: 2 });
      const li = item(entry.title, entry.unit, `${score} ${t.points} · ${entry.sheets}/${entry.expected} ${t.sheets}`);
      li.value = entry.rank;
      return li;
    }),
  );
  document.getElementById("not-released").hidden = choice.released;
  document.getElementById("no-votes").hidden = !choice.released || choice.results.length > 0;
  document.getElementById("choice").replaceChildren(
    ...choice.results.map((result) => {
      const li = item(result.title, result.unit, `${result.votes.toLocaleString(lang)} ${config.texts.votes}`);
      li.value = result.rank;
      return li;
    }),
  );
}

async function poll() {
  if (document.hidden) return;
  try {
    const response = await fetch(config.url, { headers: tag ? { "If-None-Match": tag } : {} });
    if (response.status === 200) {
      tag = response.headers.get("ETag");
      draw(await response.json());
    }
    state.textContent = config.texts.live;
  } catch {
    state.textContent = config.texts.offline;
  }
}

draw(config.snapshots);
setInterval(poll, config.every * 1000);
document.addEventListener("visibilitychange", poll);
