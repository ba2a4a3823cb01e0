// "Đang thuyết trình": the entry on stage, its unit, the countdown the organiser started (amber
// from the last minute, red and "Hết giờ" at zero), and which judges have submitted: names and
// a count, never a score; while the standings are frozen, the names only.

import { element } from "#lib/element.js";

export function remaining(settings, now) {
  if (!settings.timer_started) return null;
  const end = Date.parse(settings.timer_started) + (settings.minutes || 5) * 60000;
  return Math.max(0, Math.ceil((end - now) / 1000));
}

function clockText(seconds) {
  const minutes = Math.floor(seconds / 60);
  return minutes + ":" + String(seconds % 60).padStart(2, "0");
}

export function pitching(stage) {
  const box = element("div", "now-pitching");
  stage.appendChild(box);
  let timer = null;
  let state = null;

  function tick() {
    const { ctx, countdown, warning } = state;
    const left = remaining(ctx.settings, Date.now() + ctx.skew);
    countdown.hidden = left === null;
    if (left === null) return;
    countdown.textContent = clockText(left);
    [countdown, warning].forEach((shown) => {
      shown.classList.toggle("warn", left <= 60 && left > 0);
      shown.classList.toggle("over", left === 0);
    });
    warning.textContent =
      left === 0 ? ctx.texts.time_up : left <= 60 ? ctx.texts.one_minute : "";
  }

  return {
    update(snapshot, ctx) {
      box.replaceChildren();
      const entry = snapshot.entries[0];
      box.appendChild(element("p", "kicker", ctx.texts.pitching));
      if (!entry) {
        box.appendChild(element("p", "announcement", ctx.texts.nobody_pitching));
      } else {
        box.appendChild(element("h2", "pitch-title", entry.title));
        box.appendChild(element("p", "pitch-unit", entry.unit));
      }
      const countdown = element("p", "countdown");
      countdown.setAttribute("role", "timer");
      const warning = element("p", "countdown-note");
      box.append(countdown, warning);
      if (entry) {
        const judges = element("div", "judges");
        const count = snapshot.frozen
          ? ctx.texts.progress_hidden
          : `${ctx.texts.judges_done}: ${entry.submitted}/${entry.expected}`;
        judges.appendChild(element("p", "judges-count", count));
        const list = element("ul", "judge-list");
        entry.judges.forEach((judge) => {
          const mark = snapshot.frozen ? "" : judge.done ? "✓ " : "○ ";
          list.appendChild(element("li", judge.done ? "done" : "", mark + judge.name));
        });
        judges.appendChild(list);
        box.appendChild(judges);
      }
      state = { ctx, countdown, warning };
      tick();
      if (timer === null) timer = setInterval(tick, 250);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
