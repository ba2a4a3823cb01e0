// The registration kiosk: full screen on the first touch, back to the first screen after a
// while without a touch (with a visible countdown), and the form one step a screen. Without this
// script the form still works, all its steps on one page.
import { readConfig } from "#lib/config.js";

const config = readConfig("kiosk-config");
const idleLine = document.getElementById("kiosk-idle");
let left = config.idle;

function fullScreen() {
  const root = document.documentElement;
  if (!document.fullscreenElement && root.requestFullscreen) {
    root.requestFullscreen().catch(() => {});
  }
}

function showIdle() {
  idleLine.textContent = config.idleText.replace("{seconds}", String(left));
  idleLine.classList.toggle("urgent", left <= 10);
}

function touched() {
  left = config.idle;
  showIdle();
}

document.addEventListener("pointerdown", fullScreen, { once: true });
["pointerdown", "keydown", "input", "scroll"].forEach((kind) =>
  document.addEventListener(kind, touched, { passive: true, capture: true }),
);
showIdle();
setInterval(() => {
  left -= 1;
  if (left <= 0) {
    window.location.replace(config.home);
    return;
  }
  showIdle();
}, 1000);

const form = document.querySelector(".kiosk-form");
if (form) {
  const steps = Array.from(form.querySelectorAll(".kiosk-step"));
  const nav = form.querySelector(".kiosk-nav");
  const back = document.getElementById("kiosk-back");
  const next = document.getElementById("kiosk-next");
  const stepLine = document.getElementById("kiosk-step");
  const firstWrong = steps.findIndex((step) => step.querySelector('[aria-invalid="true"], .field-error'));
  let current = Math.max(0, firstWrong);

  const show = (index) => {
    current = index;
    steps.forEach((step, i) => {
      step.hidden = i !== index;
    });
    back.hidden = index === 0;
    next.hidden = index === steps.length - 1;
    stepLine.textContent = config.step.replace("{step}", String(index + 1)).replace("{count}", String(steps.length));
    window.scrollTo(0, 0);
  };

  // The page's own words for an empty or misshapen field: the browser's follow the tablet's
  // language, which may not be the page's. (The photos say theirs when chosen, below.)
  const explained = (field) => {
    if (field.type !== "file") {
      field.setCustomValidity("");
      if (field.validity.valueMissing) field.setCustomValidity(config.required);
      else if (field.validity.patternMismatch) field.setCustomValidity(config.dateFormat);
    }
    return field.reportValidity();
  };
  const stepValid = (step) => Array.from(step.querySelectorAll("input, select, textarea")).every(explained);
  form.addEventListener("input", (event) => {
    if (event.target.type !== "file") event.target.setCustomValidity("");
  });

  nav.hidden = false;
  back.addEventListener("click", () => show(current - 1));
  next.addEventListener("click", () => {
    if (stepValid(steps[current])) show(current + 1);
  });
  show(current);

  // Authors: the empty rows wait behind a button; the shares' total is shown as they are typed.
  const rows = Array.from(form.querySelectorAll(".kiosk-author"));
  const add = document.getElementById("kiosk-add-author");
  const hiddenRows = () => rows.filter((row) => row.hasAttribute("data-empty"));
  const refreshRows = () => {
    rows.forEach((row) => {
      row.hidden = row.hasAttribute("data-empty");
    });
    add.hidden = hiddenRows().length === 0;
  };
  add.addEventListener("click", () => {
    const row = hiddenRows()[0];
    if (row) {
      row.removeAttribute("data-empty");
      refreshRows();
      row.querySelector("input").focus();
    }
  });
  refreshRows();
  const sharesLine = document.getElementById("kiosk-shares");
  const shares = Array.from(form.querySelectorAll(".kiosk-share"));
  const total = () => {
    const sum = shares.reduce((acc, input) => acc + (Number(input.value.replace(",", ".")) || 0), 0);
    const shown = sum.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 2 }); // 90,5
    sharesLine.textContent = config.sharesText.replace("{total}", shown);
  };
  shares.forEach((input) => input.addEventListener("input", total));
  total();

  // Benefit: a number, or the box that says it is not measured in money.
  const benefit = form.querySelector('[name="benefit"]');
  const unknown = form.querySelector('[name="benefit_unknown"]');
  const benefitState = () => {
    benefit.disabled = unknown.checked;
  };
  unknown.addEventListener("change", benefitState);
  benefitState();

  // Photos: the count and the size, checked before the upload.
  const picker = form.querySelector('[name="photos"]');
  picker.addEventListener("change", () => {
    const files = Array.from(picker.files);
    let message = "";
    if (files.length > 4) message = config.tooManyPhotos;
    else if (files.some((file) => file.size > 8 * 1024 * 1024)) message = config.photoTooLarge;
    picker.setCustomValidity(message);
    picker.reportValidity();
  });
}
