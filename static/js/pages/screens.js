// The control page of the big screens: each screen's miniature (the screen's own page in an
// iframe, scaled down) and whether it is on, pushed over /display as screens come and go.
import { io } from "socket.io-client";
import { readConfig } from "#lib/config.js";

const config = readConfig("screens-config");

function fit() {
  document.querySelectorAll(".preview-frame").forEach((frame) => {
    frame.firstElementChild.style.transform = `scale(${frame.clientWidth / 1920})`;
  });
}
fit();
window.addEventListener("resize", fit);

const socket = io("/display", {
  auth: { event: config.event, control: true },
  reconnectionDelayMax: 2000,
});
socket.on("presence", (counts) => {
  document.querySelectorAll("[data-presence]").forEach((badge) => {
    const count = counts[badge.dataset.presence] || 0;
    badge.textContent = count ? `${config.on} (${count})` : config.off;
    badge.className = "presence " + (count ? "on" : "off");
  });
});
