// A long job's page: asks the server how far the job has got, every second, until it is done or
// has failed, then offers its result (a download, the next page) with its notes, or says what went
// wrong.
import { readConfig } from "#lib/config.js";

const config = readConfig("job-config");
const card = document.getElementById("job");
const status = document.getElementById("job-status");
const count = document.getElementById("job-count");
const bar = document.getElementById("job-progress");
const message = document.getElementById("job-message");
const error = document.getElementById("job-error");
const result = document.getElementById("job-result");
const notes = document.getElementById("job-notes");
const POLL_MS = 1000;

function finished(job) {
  return job.status === "done" || job.status === "failed";
}

function render(job) {
  card.dataset.status = job.status;
  status.textContent = job.status_name;
  count.textContent = job.total ? `${job.done}/${job.total}` : "";
  bar.max = job.total || 1;
  bar.value = job.total ? job.done : 0;
  if (job.status === "done" && !job.total) bar.value = bar.max;
  message.textContent = job.message;
  error.hidden = !job.error;
  error.textContent = job.error;
  const said = (job.result && job.result.notes) || [];
  notes.hidden = said.length === 0;
  notes.replaceChildren(
    ...said.map((note) => {
      const item = document.createElement("li");
      item.textContent = note;
      return item;
    }),
  );
  const link = result.querySelector("a");
  result.hidden = !(job.result && job.result.url);
  if (!result.hidden) {
    link.href = job.result.url;
    // A file to save (a printed batch), not a page to open.
    link.toggleAttribute("download", Boolean(job.result.download));
    link.textContent = job.result.label;
  }
}

async function poll() {
  try {
    const response = await fetch(config.api, { credentials: "same-origin" });
    if (response.ok) {
      const job = await response.json();
      render(job);
      if (finished(job)) return;
    }
  } catch {
    // The network dropped: ask again on the next tick.
  }
  setTimeout(poll, POLL_MS);
}

render(config.job);
if (!finished(config.job)) setTimeout(poll, POLL_MS);
