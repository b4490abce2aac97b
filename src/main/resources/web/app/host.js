// The host page: PCIe fabric graph (cytoscape + ELK layered), pair selection with the verdict
// panel, and the nvidia-smi style matrix. Runs only on pages that have #host-page.
import { hostGraph } from './host-graph.js';
import { el, getJson, showError } from './dom.js';
import { renderVerdict, clearVerdict } from './verdict.js';
import { renderDetails } from './details.js';
import { setupPlanFromHost } from './plan-create.js';
import { refreshSummary, showBanner } from './host-live.js';

/** The most devices the Matrix tab draws as a table. */
const MATRIX_MAX_DRAWN = 256;

// The server's compact matrix: devices once, distinct verdicts once, and per pair (i < j, row by
// row) the index of its verdict. The page only looks verdicts up; it computes none.
function verdictOf(matrix, i, j) {
  if (i > j) [i, j] = [j, i];
  const n = matrix.devices.length;
  return matrix.verdicts[matrix.pairs[i * n - (i * (i + 1)) / 2 + (j - i - 1)]];
}

// The rows, labels and affinity columns come from the server (matrix.layout, the layout of
// nvidia-smi topo -m and of the agent's topo): the page draws them and numbers nothing itself.
function renderMatrix(matrix) {
  const host = document.getElementById('matrix');
  const layout = matrix.layout;
  const all = document.getElementById('matrix-all').checked;
  const pcie = document.getElementById('matrix-pcie').checked;
  const rows = layout.rows.filter((r) => r.smi || all);
  // bdf → label for the pickers and the verdict panel (software RDMA shares its NIC's BDF)
  const names = new Map(layout.rows.filter((r) => !matrix.devices[r.device].rdma)
    .map((r) => [matrix.devices[r.device].bdf, r.label]));
  if (rows.length > MATRIX_MAX_DRAWN) {
    // n² cells: past a few hundred devices a table freezes the tab; pairs stay one pick away
    host.replaceChildren(el('p', { id: 'matrix-too-large', class: 'muted' }, rows.length +
      ' devices: too many to draw as a table. Pick two devices on the Fabric tab for their verdicts.'));
    return names;
  }
  if (!rows.length) {
    host.replaceChildren(el('p', { id: 'matrix-empty', class: 'muted' },
      'nvidia-smi lists no device here: no NVIDIA GPU and no RDMA NIC.'));
    return names;
  }
  const table = el('table', { class: 'matrix', id: 'matrix-table' });
  const head = el('tr', {}, el('th', {}, ''));
  for (const r of rows) {
    const d = matrix.devices[r.device];
    head.append(el('th', { scope: 'col', class: r.smi ? '' : 'extra', title: d.bdf + ' ' + (d.name || '') }, r.label));
  }
  for (const c of layout.affinityColumns) head.append(el('th', { scope: 'col', class: 'affinity' }, c));
  table.append(el('thead', {}, head));
  const tb = el('tbody');
  for (const ra of rows) {
    const a = matrix.devices[ra.device];
    const tr = el('tr', { 'data-label': ra.label },
      el('th', { scope: 'row', class: 'rowhead' + (ra.smi ? '' : ' extra'), title: a.name || '' }, ra.label + ' ', el('span', { class: 'muted' }, a.bdf)));
    for (const rb of rows) {
      const b = matrix.devices[rb.device];
      if (ra === rb) { tr.append(el('td', { class: 'self', 'data-a': a.bdf, 'data-b': b.bdf }, 'X')); continue; }
      const p = verdictOf(matrix, ra.device, rb.device);
      if (!p) { tr.append(el('td', {}, '?')); continue; }
      const cls = [p.kernel.mapType.toLowerCase()];
      if (p.kernel.provisional) cls.push('provisional');
      // the driver's own answer (NVML) where it was asked; a refusal is marked in the cell
      if (p.driver && p.driver.label !== 'OK') cls.push('driver-refused');
      tr.append(el('td', { class: cls.join(' '), 'data-a': a.rdma || a.bdf, 'data-b': b.rdma || b.bdf,
        'data-nvidia': p.nvidia, 'data-pcie': p.nvidiaPcie, 'data-driver': p.driver ? p.driver.label : null,
        title: 'kernel ' + p.kernel.mapType + (p.kernel.provisional ? ' (provisional)' : '') + ' · PCIe ' + p.nvidiaPcie +
          (p.nccl ? ' · NCCL ' + p.nccl.path : '') + (p.driver ? ' · driver ' + p.driver.label : '') },
        pcie ? p.nvidiaPcie : p.nvidia, p.driver && p.driver.label !== 'OK' ? el('sup', { class: 'driver' }, p.driver.label) : null));
    }
    // nvidia-smi prints affinity on GPU rows only
    for (const v of [ra.cpuAffinity, ra.numaAffinity, ra.gpuNumaId]) tr.append(el('td', { class: 'affinity' }, v ?? ''));
    tb.append(tr);
  }
  table.append(tb);
  const nics = layout.rows.filter((r) => r.smi && r.label.startsWith('NIC'));
  const legend = el('div', { id: 'nic-legend' });
  if (nics.length) {
    legend.append(el('h3', {}, 'NIC Legend'));
    const ul = el('ul', { class: 'mono' });
    for (const r of nics) ul.append(el('li', { 'data-label': r.label }, r.label + ': ' + (r.name || '(unnamed)')));
    legend.append(ul);
  }
  host.replaceChildren(table, legend);
  return names;
}

function setupMatrixToggle(redraw) {
  document.getElementById('matrix-all').addEventListener('change', redraw);
  const box = document.getElementById('matrix-pcie');
  box.addEventListener('change', () => {
    for (const td of document.querySelectorAll('#matrix-table td[data-nvidia]')) {
      td.textContent = box.checked ? td.dataset.pcie : td.dataset.nvidia;
    }
  });
}

function fillSelects(devices, names) {
  for (const id of ['sel-a', 'sel-b']) {
    const s = document.getElementById(id);
    for (const d of devices) {
      if (d.rdma) continue;
      s.append(el('option', { value: d.bdf }, (names.get(d.bdf) || '') + ' ' + d.bdf + ' ' + (d.name || '')));
    }
  }
}

function setupTabs() {
  const tabs = [['tab-graph', 'panel-graph'], ['tab-matrix', 'panel-matrix'], ['tab-bandwidth', 'panel-bandwidth']];
  const select = (t, p) => {
    for (const [t2, p2] of tabs) {
      const b = document.getElementById(t2);
      b.setAttribute('aria-selected', String(t2 === t));
      b.tabIndex = t2 === t ? 0 : -1;
      document.getElementById(p2).hidden = p2 !== p;
    }
  };
  tabs.forEach(([t, p], i) => {
    const b = document.getElementById(t);
    b.addEventListener('click', () => select(t, p));
    // Arrow keys move between tabs (WAI-ARIA tabs pattern).
    b.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const [nt, np] = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      select(nt, np);
      document.getElementById(nt).focus();
    });
  });
  // #matrix or #bandwidth in the address opens that tab (links from other pages)
  const wanted = tabs.find(([t]) => '#' + t.slice(4) === window.location.hash);
  select(...(wanted || tabs[0]));
}

async function main() {
  const page = document.getElementById('host-page');
  if (!page) return;
  const api = page.dataset.api;
  setupTabs();
  setupPlanFromHost(page.dataset.host);
  // The matrix (pickers, Matrix tab) loads while the graph is drawn. The report (details card, a
  // VF's PF) is read once the graph is drawn, or when first needed: on a 1,000-endpoint host it is
  // 2.7 MB, and parsing it while the graph waited cost the first drawing half a second.
  const matrixRead = getJson(api + '/p2p');
  let reportRead = null;
  const loadReport = () => (reportRead = reportRead || getJson(api + '/topology'));
  let matrix = null;
  let names = new Map();
  let pickersFilled;
  const pickers = new Promise((resolve) => { pickersFilled = resolve; });

  const container = document.getElementById('fabric');
  const selA = document.getElementById('sel-a');
  const selB = document.getElementById('sel-b');
  const known = (v) => !!v && [...selA.options].some((o) => o.value === v);
  // a click on a device, or Enter on it: A first, then B, then A again
  const pick = (bdf) => {
    if (!known(bdf)) return;
    if (!selA.value || (selA.value && selB.value)) { selA.value = bdf; selB.value = ''; } else { selB.value = bdf; }
    run();
  };
  const graph = hostGraph(container, { api, host: page.dataset.host, pick, report: loadReport, ready: pickers });
  const cy = graph.cy;
  const platformBox = document.getElementById('show-platform');
  const draw = async (platform) => {
    const g = await graph.draw(platform);
    // the count of the default drawing: with platform devices drawn, none are hidden
    if (platform) return;
    document.getElementById('platform-count').textContent = String(g.hiddenPlatform);
    platformBox.closest('label').hidden = g.hiddenPlatform === 0;
  };
  platformBox.addEventListener('change', () => draw(platformBox.checked).then(run).catch(showError));
  document.getElementById('tab-graph').addEventListener('click', () => graph.shown().catch(showError));
  const first = draw(false);
  matrix = await matrixRead;
  names = renderMatrix(matrix);
  setupMatrixToggle(() => { names = renderMatrix(matrix); });
  fillSelects(matrix.devices, names);
  pickersFilled();

  let seq = 0;
  async function update() {
    graph.mark([selA.value, selB.value]);
    if (!selA.value || !selB.value || selA.value === selB.value) {
      clearVerdict();
      delete container.dataset.pair;
      delete container.dataset.route;
      return;
    }
    const my = ++seq;
    const q = '?a=' + encodeURIComponent(selA.value) + '&b=' + encodeURIComponent(selB.value);
    const [v, route] = await Promise.all([getJson(api + '/paths' + q), graph.route(selA.value, selB.value)]);
    if (my !== seq) return;
    await graph.highlight(v, route);
    renderVerdict(v, names);
    container.dataset.pair = v.a + '|' + v.b;
  }
  const run = () => update().catch(showError);
  selA.addEventListener('change', run);
  selB.addEventListener('change', run);
  document.getElementById('pair-clear').addEventListener('click', () => { selA.value = ''; selB.value = ''; run(); });
  /** Picks a pair on the Fabric tab (the Matrix tab's cells call this with BDFs or RDMA names). */
  const selectPair = (a, b) => {
    const bdf = (x) => (matrix.devices.find((d) => d.rdma === x || d.bdf === x) || {}).bdf;
    if (!known(bdf(a)) || !known(bdf(b))) return;
    selA.value = bdf(a);
    selB.value = bdf(b);
    document.getElementById('tab-graph').click();
    run();
  };
  window.fabricscope = { cy, matrix, selectPair, svg: graph.svg, png: graph.png };
  document.getElementById('matrix').addEventListener('click', (e) => {
    const td = e.target.closest('td[data-a][data-b]');
    if (td && !td.classList.contains('self')) selectPair(td.dataset.a, td.dataset.b);
  });
  await first;
  loadReport();

  // Live: a new snapshot of this host (Server-Sent Events) → re-fetch its JSON, redraw, say what
  // changed. The diff covers structure only (not NVLink, NUMA, names), so report and matrix are
  // read again whatever it says; the page's HTML is never fetched again.
  let shown = null;
  async function onEvent(ev) {
    if (ev.type === 'hello') {
      if (shown === null) shown = ev.snapshotId;
      page.dataset.live = 'open';
      return;
    }
    if (ev.type !== 'snapshot' || ev.snapshotId === shown) return;
    const from = shown;
    shown = ev.snapshotId;
    // the summary line (counts, last seen) from GET /api/v1/hosts/{h}, beside the other reads
    const [diff, r, m] = await Promise.all([
      from ? getJson(api + '/diff?from=' + from + '&to=' + ev.snapshotId) : { changes: [] },
      getJson(api + '/topology'), getJson(api + '/p2p'), refreshSummary(api)]);
    reportRead = Promise.resolve(r);
    matrix = m;
    window.fabricscope.matrix = matrix;
    names = renderMatrix(matrix);
    const keep = [selA.value, selB.value];
    for (const s of [selA, selB]) s.replaceChildren(el('option', { value: '' }, '—'));
    fillSelects(matrix.devices, names);
    [selA.value, selB.value] = keep.map((v) => ([...selA.options].some((o) => o.value === v) ? v : ''));
    document.getElementById('details').hidden = true;
    await draw(platformBox.checked);
    run();
    showBanner(ev, diff.changes);
    page.dataset.liveSnapshot = String(ev.snapshotId);
  }
  const es = new EventSource('/api/v1/host-events/' + encodeURIComponent(page.dataset.host));
  es.onmessage = (e) => onEvent(JSON.parse(e.data)).catch(showError);
  window.addEventListener('pagehide', () => es.close());
  const details = (id) => loadReport()
    .then((r) => renderDetails(r, id, names, cy.getElementById(id).data('acs'))).catch(showError);
  cy.on('tap', 'node[type = "device"], node[type = "port"]', (evt) => details(evt.target.id()));
  cy.on('tap', 'node[type = "device"]', (evt) => pick(evt.target.id()));

  // A preselected pair from the URL (?a=BDF&b=BDF, e.g. from the findings page); one device alone
  // is marked and its details shown.
  const params = new URLSearchParams(window.location.search);
  const pa = params.get('a');
  const pb = params.get('b');
  if (known(pa)) {
    selA.value = pa;
    if (known(pb)) selB.value = pb;
    else if (cy.getElementById(pa).nonempty()) details(pa);
    run();
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => main().catch(showError));
} else {
  main().catch(showError);
}
