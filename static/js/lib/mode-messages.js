// The modes drawn from the screen's own settings (each draws the whole stage again when anything
// changes, as there is nothing to animate), and the people's choice.

import { element } from "#lib/element.js";
import { shrinkToFit } from "#lib/fit.js";
import { pager } from "#lib/pager.js";

function simple(draw) {
  return (stage) => ({
    update(snapshot, ctx) {
      stage.replaceChildren(...draw(snapshot, ctx));
    },
  });
}

function choice(result, ctx) {
  const item = element("li");
  item.appendChild(element("span", "rank", String(result.rank)));
  const what = element("span", "what");
  what.append(element("span", "title", result.title), element("span", "unit", result.unit));
  item.appendChild(what);
  item.appendChild(
    element("span", "num", `${result.votes.toLocaleString(ctx.lang)} ${ctx.texts.votes}`),
  );
  return item;
}

// The released result, a page at a time when it is taller than the screen (#lib/pager.js).
export function peoplesChoice(stage) {
  const head = element("div", "mode-head");
  const title = element("h2");
  const pageNote = element("span", "page-note");
  pageNote.dataset.testid = "choice-page";
  head.append(title, pageNote);
  const list = element("ol", "choice");
  const waiting = element("p", "announcement");
  stage.append(head, list, waiting);
  const paged = pager(list, () => stage.getBoundingClientRect().bottom, pageNote);
  return {
    stop: paged.stop,
    update(snapshot, ctx) {
      title.textContent = ctx.texts.peoples_choice;
      const results = snapshot.released ? snapshot.results : [];
      // Not released yet, or released with nobody voted for: a sentence, not an empty list.
      waiting.hidden = results.length > 0;
      waiting.textContent = snapshot.released ? ctx.texts.no_votes : ctx.texts.not_released;
      list.replaceChildren(...results.map((result) => choice(result, ctx)));
      paged.fit(ctx.texts.page);
    },
  };
}

// The organiser's text, as large as fits the screen (#lib/fit.js).
export function announcement(stage) {
  const text = element("p", "announcement big");
  stage.appendChild(text);
  const fitted = shrinkToFit(text, stage);
  return {
    stop: fitted.stop,
    update(_snapshot, ctx) {
      text.textContent = ctx.settings.text || "";
      fitted.fit();
    },
  };
}

export const blank = simple(() => [element("div", "logo", "Sáng tạo Live")]);

// The venue's time (the event's zone, not the screen computer's) and the agenda, a page at a time
// when it is taller than the screen (#lib/pager.js).
export function clock(stage) {
  const time = element("p", "clock-time");
  time.setAttribute("role", "timer");
  const head = element("div", "mode-head agenda-head");
  const heading = element("h2", "mode-title");
  const pageNote = element("span", "page-note");
  head.append(heading, pageNote);
  const agenda = element("ol", "agenda");
  stage.append(time, head, agenda);
  const paged = pager(agenda, () => stage.getBoundingClientRect().bottom, pageNote);
  let ctx = null;
  function tick() {
    const now = new Date(Date.now() + ctx.skew);
    const shown = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: ctx.timezone };
    time.textContent = now.toLocaleTimeString(ctx.lang, shown);
  }
  const timer = setInterval(() => ctx && tick(), 1000);
  return {
    update(_snapshot, context) {
      ctx = context;
      const lines = ctx.settings.agenda || [];
      heading.textContent = lines.length ? ctx.texts.agenda : "";
      agenda.replaceChildren(...lines.map((line) => element("li", "", line)));
      tick();
      paged.fit(ctx.texts.page);
    },
    stop() {
      clearInterval(timer);
      paged.stop();
    },
  };
}
