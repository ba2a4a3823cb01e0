// The programme dashboard's two charts, drawn from the figures the page came with: recognised
// initiatives per year against the yearly target, and the cumulative count (solid) with its
// forecast (dashed) against the cumulative target. The tables under each chart carry the same
// figures for screen readers and for printing.
import { Chart, registerables } from "chart.js";
import { readConfig } from "#lib/config.js";

Chart.register(...registerables);

const COLOURS = { brand: "#0b5cad", forecast: "#6b7a90", target: "#b3261e" };
const data = readConfig("programme-config");
const text = readConfig("programme-text");
const common = { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } };
const labels = data.years.map(String);

function targetLine(label, value) {
  return { type: "line", label, data: labels.map(() => value), borderColor: COLOURS.target, borderWidth: 2, pointRadius: 0, fill: false };
}

const yearly = [
  { type: "bar", label: text.recognised, data: data.perYear.map((count, i) => (data.actual[i] === null ? null : count)), backgroundColor: COLOURS.brand },
  { type: "bar", label: text.forecast, data: data.yearlyForecast, backgroundColor: "rgba(107, 122, 144, 0.35)", borderColor: COLOURS.forecast, borderDash: [6, 4], borderWidth: 1 },
];
if (data.perYearTarget !== null) yearly.push(targetLine(text.yearlyTarget, data.perYearTarget));
new Chart(document.getElementById("yearly-chart"), { data: { labels, datasets: yearly }, options: common });

const cumulative = [
  { type: "line", label: text.actual, data: data.actual, borderColor: COLOURS.brand, backgroundColor: COLOURS.brand, pointRadius: 3 },
  { type: "line", label: text.cumulativeForecast, data: data.forecast, borderColor: COLOURS.forecast, backgroundColor: COLOURS.forecast, borderDash: [6, 4], pointRadius: 3 },
];
if (data.cumulativeTarget !== null) cumulative.push(targetLine(text.cumulativeTarget, data.cumulativeTarget));
new Chart(document.getElementById("cumulative-chart"), { data: { labels, datasets: cumulative }, options: common });
