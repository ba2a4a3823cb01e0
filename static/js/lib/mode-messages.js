// The modes drawn from the screen's own settings, and the people's choice: each draws the whole
// stage again when anything changes, as there is nothing to animate.

function element(tag, className, text) {
  const found = document.createElement(tag);
  if (className) found.className = className;
  if (text !== undefined) found.textContent = text;
  return found;
}

function simple(draw) {
  return (stage) => ({
    update(snapshot, ctx) {
      stage.replaceChildren(...draw(snapshot, ctx));
    },
  });
}

export const peoplesChoice = simple((snapshot, ctx) => {
  const title = element("h2", "mode-title", ctx.texts.peoples_choice);
  if (!snapshot.released) return [title, element("p", "announcement", ctx.texts.not_released)];
  const list = element("ol", "choice");
  snapshot.results.forEach((result) => {
    const item = element("li");
    item.appendChild(element("span", "rank", String(result.rank)));
    const what = element("span", "what");
    what.append(element("span", "title", result.title), element("span", "unit", result.unit));
    item.appendChild(what);
    item.appendChild(
      element("span", "num", `${result.votes.toLocaleString(ctx.lang)} ${ctx.texts.votes}`),
    );
    list.appendChild(item);
  });
  return [title, list];
});

export const announcement = simple((_snapshot, ctx) => [
  element("p", "announcement big", ctx.settings.text || ""),
]);

export const blank = simple(() => [element("div", "logo", "Sáng tạo Live")]);

export function clock(stage) {
  const time = element("p", "clock-time");
  time.setAttribute("role", "timer");
  const agenda = element("ol", "agenda");
  const heading = element("h2", "mode-title");
  stage.append(time, heading, agenda);
  let ctx = null;
  function tick() {
    const now = new Date(Date.now() + ctx.skew);
    time.textContent = now.toLocaleTimeString(ctx.lang, { hour: "2-digit", minute: "2-digit" });
  }
  const timer = setInterval(() => ctx && tick(), 1000);
  return {
    update(_snapshot, context) {
      ctx = context;
      heading.textContent = (ctx.settings.agenda || []).length ? ctx.texts.agenda : "";
      agenda.replaceChildren(...(ctx.settings.agenda || []).map((line) => element("li", "", line)));
      tick();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
