// The exhibit wall: one exhibit at a time, its photo, title, unit and booth, and its QR code for
// the visitors' phones; the next every few seconds (without sliding under reduced motion).

import { element } from "#lib/element.js";

const EVERY = 9000;

export function exhibitWall(stage) {
  const box = element("div", "wall");
  stage.appendChild(box);
  let exhibits = [];
  let at = 0;
  let ctx = null;

  function show() {
    box.replaceChildren();
    if (!exhibits.length) {
      box.appendChild(element("p", "announcement", ctx.texts.no_exhibits));
      return;
    }
    const exhibit = exhibits[at % exhibits.length];
    const card = element("article", exhibit.photo ? "exhibit" : "exhibit no-photo");
    if (!ctx.reduced) card.classList.add("enter");
    if (exhibit.photo) {
      const photo = element("img", "photo");
      photo.src = exhibit.photo;
      photo.alt = exhibit.title;
      card.appendChild(photo);
    }
    const text = element("div", "exhibit-text");
    text.appendChild(element("p", "kicker", ctx.texts.exhibits));
    text.appendChild(element("h2", "exhibit-title", exhibit.title));
    text.appendChild(element("p", "pitch-unit", exhibit.unit));
    if (exhibit.booth) text.appendChild(element("p", "booth", `${ctx.texts.booth} ${exhibit.booth}`));
    const qr = element("figure", "exhibit-qr");
    const code = element("img");
    code.src = exhibit.qr;
    code.alt = "";
    qr.append(code, element("figcaption", "", ctx.texts.scan));
    text.appendChild(qr);
    card.appendChild(text);
    box.appendChild(card);
  }

  const timer = setInterval(() => {
    at += 1;
    if (ctx) show();
  }, EVERY);

  return {
    update(snapshot, context) {
      exhibits = snapshot.exhibits;
      ctx = context;
      show();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
