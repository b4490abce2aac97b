// The host page's Bandwidth tab: start a test (operator token), follow it live, and see every
// result of a path over time beside the value its path model expects. The server computes the
// expectation and the verdict; this module only asks, lists and draws.
import { Chart, LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip } from 'chart.js';
import { readToken, storeToken } from './token.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const API = '/api/v1/bandwidth-tests';
const FINAL = new Set(['passed', 'warned', 'failed', 'measured', 'error', 'cancelled', 'timed-out']);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

const fmt = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(2));
const pathKey = (j) => j.kind + ' ' + j.source.host + ' ' + j.source.endpoint + ' → ' + j.target.host + ' ' + j.target.endpoint;

/** Default endpoints per kind, and the selected pair where it fits the kind. */
function defaults(kind, a, b) {
  switch (kind) {
    case 'host-memcpy': return ['numa:0', 'numa:0'];
    case 'gpu-h2d': case 'gpu-bidir': return ['numa:0', a || 'gpu:0'];
    case 'gpu-d2h': return [a || 'gpu:0', 'numa:0'];
    case 'gpu-d2d': return [a || 'gpu:0', a || 'gpu:0'];
    case 'gpu-p2p': return [a || 'gpu:0', b || 'gpu:1'];
    case 'tcp': return ['addr:', 'addr:'];
    // an NVMe controller (the picked device when there is one) read into node 0's memory
    case 'nvme-read': return [a || 'pci:', 'numa:0'];
    default: return ['rdma:', 'rdma:'];
  }
}

async function listJobs(host) {
  const r = await fetch(API + '?host=' + encodeURIComponent(host) + '&limit=100', { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error('bandwidth tests: HTTP ' + r.status);
  const body = await r.json();
  return Array.isArray(body) ? body : body.items || [];
}

/**
 * The "Also at once" field: SOURCE=TARGET pairs, comma-separated, as the API's concurrent flows;
 * null when a pair is not of that shape (the server checks every endpoint again).
 */
function alsoFlows(text) {
  const pairs = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const flows = [];
  for (const p of pairs) {
    const m = /^([^=\s]+)=([^=\s]+)$/.exec(p);
    if (!m) return null;
    flows.push({ source: { endpoint: m[1] }, target: { endpoint: m[2] } });
  }
  return flows;
}

/** A finished test's flows (result.flows) as rows; the table is hidden for a test of one flow. */
function renderFlows(job, table) {
  const flows = (job && job.result && job.result.flows) || [];
  table.tBodies[0].replaceChildren(...flows.map((f) => el('tr', {},
    el('td', { class: 'mono' }, f.source + ' → ' + f.target),
    el('td', { class: 'num' }, fmt(f.measuredGBps)),
    el('td', { class: 'num' }, fmt(f.expectedGBps)),
    el('td', { class: 'muted small', title: f.basis || '' }, f.bottleneck || ''))));
  table.hidden = flows.length === 0;
  table.dataset.count = String(flows.length);
}

function renderHistory(jobs, table, onPick) {
  const rows = jobs.map((j) => {
    const res = j.result || {};
    const tr = el('tr', { 'data-job': String(j.id), class: 'state-' + j.state, tabindex: '0' },
      el('td', {}, new Date(j.created).toLocaleString('en-GB')),
      el('td', { class: 'mono' }, j.kind),
      el('td', { class: 'mono' }, j.source.endpoint + ' → ' + (j.target.host !== j.source.host ? j.target.host + ' ' : '') + j.target.endpoint
        + ((j.concurrent || []).length ? ' + ' + j.concurrent.length + ' at once' : '')),
      el('td', { class: 'num' }, fmt(j.measuredGBps)),
      el('td', { class: 'num' }, fmt(j.expectedGBps)),
      el('td', { class: 'verdict' }, j.state),
      el('td', { class: 'muted small' }, j.message || res.bottleneck || ''));
    tr.addEventListener('click', () => onPick(j));
    // a focusable row acts like a button: Enter or Space picks it
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); onPick(j); } });
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
}

/**
 * One path's results in time order, measured against expected. The expectation is drawn as a wide
 * dash at every point and the x axis is offset, so a path with one result still shows both values
 * side by side instead of a lone dot on the axis with its expectation hidden under it.
 */
function drawChart(chart, canvas, jobs, key) {
  const runs = jobs.filter((j) => pathKey(j) === key && j.measuredGBps !== null && j.measuredGBps !== undefined).reverse();
  const labels = runs.map((j) => new Date(j.finished || j.created).toLocaleTimeString('en-GB'));
  const data = {
    labels,
    datasets: [
      { label: 'measured GB/s', data: runs.map((j) => j.measuredGBps), borderColor: '#1f5f99', backgroundColor: '#1f5f99' },
      { label: 'expected GB/s', data: runs.map((j) => j.expectedGBps ?? null), borderColor: '#d6336c', backgroundColor: '#d6336c', borderDash: [6, 4], pointRadius: 9, pointBorderWidth: 2, pointStyle: 'line', spanGaps: true },
    ],
  };
  if (chart) { chart.data = data; chart.update(); return chart; }
  return new Chart(canvas, {
    type: 'line',
    data,
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { x: { offset: true }, y: { beginAtZero: true, title: { display: true, text: 'GB/s (10⁹ B/s)' } } } },
  });
}

function setup(page) {
  const host = page.dataset.host;
  const form = document.getElementById('bw-form');
  const kind = document.getElementById('bw-kind');
  const source = document.getElementById('bw-source');
  const target = document.getElementById('bw-target');
  const targetHost = document.getElementById('bw-target-host');
  const size = document.getElementById('bw-size');
  const repeat = document.getElementById('bw-repeat');
  const token = document.getElementById('bw-token');
  const status = document.getElementById('bw-status');
  const also = document.getElementById('bw-also');
  const flowsTable = document.getElementById('bw-flows');
  const table = document.getElementById('bw-history');
  const canvas = document.getElementById('bw-chart');
  const chartTitle = document.getElementById('bw-chart-title');
  let jobs = [];
  let chart = null;
  let shownKey = null;

  token.value = readToken();
  targetHost.value = host;
  const fill = () => {
    const [s, t] = defaults(kind.value, document.getElementById('sel-a')?.value, document.getElementById('sel-b')?.value);
    source.value = s;
    target.value = t;
  };
  kind.addEventListener('change', fill);
  document.getElementById('bw-use-pair').addEventListener('click', fill);
  fill();
  // Opened from the RDMA fabric page (?bw=KIND&source=rdma:DEV:PORT[&targetHost=H&target=E]#bandwidth):
  // the Bandwidth tab with that port as the source; the server checks every field again.
  const q = new URLSearchParams(window.location.search);
  if (q.get('bw') && [...kind.options].some((o) => o.value === q.get('bw'))) {
    kind.value = q.get('bw');
    fill();
    if (q.get('source')) source.value = q.get('source');
    if (q.get('targetHost')) targetHost.value = q.get('targetHost');
    if (q.get('target')) target.value = q.get('target');
  }

  const show = (key) => {
    shownKey = key;
    chartTitle.textContent = key || 'No results yet';
    chart = drawChart(chart, canvas, jobs, key);
    canvas.dataset.points = String(chart.data.labels.length);
    // the plotted values, in drawing order, so a test can hold them against the server's
    canvas.dataset.measured = JSON.stringify(chart.data.datasets[0].data);
    canvas.dataset.expected = JSON.stringify(chart.data.datasets[1].data);
  };
  const refresh = async () => {
    jobs = await listJobs(host);
    renderHistory(jobs, table, (j) => { show(pathKey(j)); renderFlows(j, flowsTable); });
    const latest = jobs.find((j) => j.measuredGBps !== null && j.measuredGBps !== undefined);
    show(shownKey || (latest ? pathKey(latest) : null));
    table.dataset.count = String(jobs.length);
  };

  let watching = null;
  const follow = async (id) => {
    watching = id;
    const r = await fetch(API + '/' + id, { headers: { Accept: 'application/json' } });
    if (!r.ok) return;
    const j = await r.json();
    status.dataset.state = j.state;
    status.textContent = 'Test ' + id + ': ' + j.state + (j.measuredGBps != null ? ' — ' + fmt(j.measuredGBps) + ' GB/s measured, ' + fmt(j.expectedGBps) + ' expected (' + j.verdict + ')' : '') + (j.message ? ' — ' + j.message : '');
    renderFlows(j, flowsTable);
    if (FINAL.has(j.state)) {
      watching = null;
      shownKey = pathKey(j);
      await refresh();
    }
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const t = token.value.trim();
    storeToken(t);
    const concurrent = alsoFlows(also.value);
    if (concurrent === null) {
      status.dataset.state = 'refused';
      status.textContent = 'Also at once: write SOURCE=TARGET pairs separated by commas, e.g. 0000:04:00.0=numa:0';
      return;
    }
    const body = {
      kind: kind.value,
      source: { host, endpoint: source.value.trim() },
      target: { host: targetHost.value.trim() || host, endpoint: target.value.trim() },
      size: size.value.trim(),
      repetitions: Number(repeat.value),
    };
    if (concurrent.length) body.concurrent = concurrent;
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' };
    if (t) headers.Authorization = 'Bearer ' + t;
    status.dataset.state = 'sending';
    status.textContent = 'Starting…';
    const r = await fetch(API, { method: 'POST', headers, body: JSON.stringify(body) });
    let reply = null;
    try { reply = await r.json(); } catch (err) { /* not JSON */ }
    if (!r.ok) {
      status.dataset.state = 'refused';
      const hint = r.status === 401 || r.status === 403 ? ' Enter an operator token.' : '';
      status.textContent = ((reply && reply.detail) || 'HTTP ' + r.status) + hint;
      return;
    }
    await follow(reply.id);
  });

  // Live progress: the host's event stream carries bandwidth events; polling covers a stream that
  // is not (yet) open.
  const es = new EventSource('/api/v1/host-events/' + encodeURIComponent(host));
  es.addEventListener('message', (m) => {
    const ev = JSON.parse(m.data);
    if (ev.type === 'bandwidth') {
      if (watching !== null && String(ev.jobId) === String(watching)) follow(watching);
      else refresh();
    }
  });
  window.addEventListener('pagehide', () => es.close());
  setInterval(() => { if (watching !== null) follow(watching); }, 1000);
  refresh().then(() => { form.dataset.ready = 'true'; }).catch((err) => { status.textContent = String(err.message || err); });
}

function start() {
  const page = document.getElementById('host-page');
  if (page && document.getElementById('bw-form')) setup(page);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
