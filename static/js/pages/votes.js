// The organiser's vote page: the released result and the visits per hour as bar charts. The
// tables under each chart carry the same figures for screen readers and for printing.
import { Chart, registerables } from "chart.js";
import { readConfig } from "#lib/config.js";

Chart.register(...registerables);

const config = readConfig("votes-config");
const BRAND = "#0b5cad";

function shortened(label) {
  return label.length > 32 ? `${label.slice(0, 31)}…` : label;
}

function bars(id, rows, label, horizontal) {
  const canvas = document.getElementById(id);
  if (!canvas || rows.length === 0) return;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map(([name]) => shortened(name)),
      datasets: [{ label, data: rows.map(([, count]) => count), backgroundColor: BRAND }],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: horizontal ? "y" : "x",
      plugins: { legend: { display: false } },
      scales: { [horizontal ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

bars("result-chart", config.result, config.text.votes, true);
bars("visits-chart", config.visits, config.text.visits, false);
