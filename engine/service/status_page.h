// The status page herald serve answers at / (docs/API.md, "The status
// page"): each broadcast with its status, a progress bar, its send rate and
// the time left at that rate, the rows waiting for their window (by zone)
// and the retries due, and a chart of the texts sent per minute. It is a
// page of its own making: its script calls the API with the page's own
// credentials every two seconds and builds the page with DOM calls (never
// markup from data, so a broadcast's name cannot inject anything).
#ifndef HERALD_ENGINE_SERVICE_STATUS_PAGE_H_
#define HERALD_ENGINE_SERVICE_STATUS_PAGE_H_

namespace herald {

inline constexpr char kStatusPageHtml[] = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>herald</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
  h1 { font-size: 20px; margin: 0 0 .2em; }
  h2 { font-size: 16px; margin: 1.5em 0 .5em; }
  #updated { color: #666; margin: 0 0 1em; }
  table { border-collapse: collapse; }
  th, td { padding: .3em .8em; border-bottom: 1px solid #ddd; text-align: right; }
  th:first-child, td:first-child, td.status, td.zones { text-align: left; }
  progress { width: 10em; vertical-align: middle; }
  td.status { font-weight: 600; }
  canvas { border: 1px solid #ddd; }
  .error { color: #b00; }
</style>
</head>
<body>
<h1>herald</h1>
<p id="updated">loading…</p>
<table id="broadcasts">
  <thead><tr>
    <th>Broadcast</th><th>Status</th><th>Progress</th><th>Sent</th>
    <th>Texts / min</th><th>Time left</th><th>Waiting for a window</th>
    <th>Retries due</th>
  </tr></thead>
  <tbody></tbody>
</table>
<h2>Texts sent per minute</h2>
<canvas id="chart" width="720" height="160"></canvas>
<script>
"use strict";
const kRefreshMs = 2000;
const kRateWindowMs = 60000;
const kMinutesShown = 30;
const samples = new Map();  // broadcast id -> [{t, sent}], the last minute
const perMinute = new Map();  // unix minute -> texts sent in it
let lastTotal = null;

async function get(path) {
  // From the origin: a page opened as http://user:password@host/ has its
  // credentials in its own URL, which fetch() refuses to resolve against.
  const answer = await fetch(location.origin + path, {credentials: "same-origin"});
  if (!answer.ok) throw new Error(path + ": HTTP " + answer.status);
  return answer.json();
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function duration(seconds) {
  if (!isFinite(seconds)) return "—";
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? h + " h " + m + " min" : m > 0 ? m + " min " + s + " s" : s + " s";
}

// Texts a minute over the last minute of samples of broadcast `id`.
function rate(id, now, sent) {
  const list = samples.get(id) || [];
  list.push({t: now, sent: sent});
  while (list.length > 2 && now - list[1].t > kRateWindowMs) list.shift();
  samples.set(id, list);
  const first = list[0];
  const seconds = (now - first.t) / 1000;
  return seconds > 0 ? (sent - first.sent) * 60 / seconds : 0;
}

function drawChart() {
  const canvas = document.getElementById("chart");
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  const now = Math.floor(Date.now() / 60000);
  const minutes = [];
  for (let m = now - kMinutesShown + 1; m <= now; ++m) {
    minutes.push(perMinute.get(m) || 0);
  }
  canvas.dataset.minutes = JSON.stringify(minutes);
  const top = Math.max(1, ...minutes);
  const width = canvas.width / kMinutesShown;
  g.fillStyle = "#3b7dd8";
  minutes.forEach((n, i) => {
    const h = (canvas.height - 20) * n / top;
    g.fillRect(i * width + 1, canvas.height - 14 - h, width - 2, h);
  });
  g.fillStyle = "#666";
  g.font = "11px sans-serif";
  g.fillText("max " + top + " / min, last " + kMinutesShown + " min", 4, canvas.height - 2);
}

async function refresh() {
  try {
    const list = await get("/v2/texts/broadcasts?limit=50&fields=items(id,name,status)");
    const body = document.querySelector("#broadcasts tbody");
    const rows = [];
    const now = Date.now();
    let total = 0;
    for (const b of list.items) {
      const [stats, progress] = await Promise.all([
        get("/v2/texts/broadcasts/" + b.id +
            "/stats?fields=totalCount,sentCount,remainingOutboundCount"),
        get("/v2/texts/broadcasts/" + b.id + "/progress")]);
      const all = stats.totalCount || 0;
      const left = stats.remainingOutboundCount || 0;
      const sent = stats.sentCount || 0;
      total += sent;
      const perMin = rate(b.id, now, sent);
      const tr = document.createElement("tr");
      tr.dataset.id = b.id;
      cell(tr, b.name || ("broadcast " + b.id));
      cell(tr, b.status, "status");
      const bar = tr.insertCell();
      const meter = document.createElement("progress");
      meter.max = Math.max(1, all);
      meter.value = all - left;
      bar.append(meter, " " + (all ? Math.floor(100 * (all - left) / all) : 0) + "%");
      cell(tr, sent.toLocaleString("en-US"), "sent").dataset.value = sent;
      cell(tr, Math.round(perMin).toLocaleString("en-US"), "rate").dataset.value = perMin;
      cell(tr, left === 0 ? "—" : perMin > 0 ? duration(left * 60 / perMin) : "—", "eta");
      const zones = progress.waitingByZone.map(z => z.zone + " " + z.rows).join(", ");
      cell(tr, progress.waiting ? progress.waiting + (zones ? " (" + zones + ")" : "") : "0",
           "zones").dataset.value = progress.waiting;
      cell(tr, String(progress.callbacks), "retries").dataset.value = progress.callbacks;
      rows.push(tr);
    }
    body.replaceChildren(...rows);
    if (lastTotal !== null && total >= lastTotal) {
      const minute = Math.floor(now / 60000);
      perMinute.set(minute, (perMinute.get(minute) || 0) + total - lastTotal);
    }
    lastTotal = total;
    drawChart();
    const updated = document.getElementById("updated");
    updated.className = "";
    updated.textContent = list.items.length + " broadcasts, updated " +
        new Date(now).toLocaleTimeString("en-US");
    updated.dataset.refreshes = Number(updated.dataset.refreshes || 0) + 1;
  } catch (e) {
    const updated = document.getElementById("updated");
    updated.className = "error";
    updated.textContent = String(e.message);
  }
  setTimeout(refresh, kRefreshMs);
}
refresh();
</script>
</body>
</html>
)html";

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_STATUS_PAGE_H_
