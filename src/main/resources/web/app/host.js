// The host page: PCIe fabric graph (cytoscape + ELK layered), pair selection with the verdict
// panel, and the nvidia-smi style matrix. Runs only on pages that have #host-page.
import cytoscape from 'cytoscape';
import elk from 'cytoscape-elk';
import { describe } from './changes.js';

cytoscape.use(elk);

const COLORS = {
  gpu: '#7bd88f', nic: '#8fc9ff', rdma: '#8fc9ff', nvme: '#ffd166', accelerator: '#d5a6ff',
  other: '#e3e7ec', port: '#c9d3de', hostbridge: '#1f3b57',
};
const GEN = { 2.5: 1, 5: 2, 8: 3, 16: 4, 32: 5, 64: 6, 128: 7 };

const LAYERED = {
  'elk.algorithm': 'layered', 'elk.direction': 'DOWN', 'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': 40, 'elk.spacing.nodeNode': 18,
  'elk.edgeLabels.inline': true,
};

/**
 * Lays out a fabric graph with ELK (host and history pages): layered top-down; with NUMA boxes,
 * each box is laid out layered as a whole and the boxes are packed (stacked), so a two-socket
 * fabric is not one endless row. Then gives the drawing the height its aspect ratio wants (wide
 * fabrics stay readable), fits it and calls onReady.
 */
export function layoutFabric(cy, container, onReady) {
  const numa = cy.nodes('[type = "numa"]').length > 0;
  const layout = cy.layout({
    name: 'elk', fit: true, padding: 20, nodeDimensionsIncludeLabels: false,
    nodeLayoutOptions: numa ? (n) => (n.data('type') === 'numa' ? LAYERED : undefined) : undefined,
    elk: numa
      ? { 'elk.algorithm': 'rectpacking', 'elk.hierarchyHandling': 'SEPARATE_CHILDREN', 'elk.aspectRatio': 1.2, 'elk.spacing.nodeNode': 24 }
      : LAYERED,
  });
  layout.one('layoutstop', () => {
    const bb = cy.elements().boundingBox();
    const want = Math.round(container.clientWidth * (bb.h / Math.max(1, bb.w))) + 40;
    container.style.height = Math.max(320, Math.min(want, Math.round(window.innerHeight * 0.75))) + 'px';
    cy.resize();
    cy.fit(undefined, 16);
    onReady();
  });
  layout.run();
}

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function gen(speed) {
  return GEN[speed] ? 'Gen' + GEN[speed] : speed + ' GT/s';
}

function linkLabel(link) {
  const cur = link && link.current;
  if (!cur || (cur.speedGTs == null && cur.width == null)) {
    return link && link.reportedGBps ? link.reportedGBps.toFixed(1) + ' GB/s' : '';
  }
  const parts = [];
  if (cur.speedGTs != null) parts.push(gen(cur.speedGTs));
  if (cur.width != null) parts.push('x' + cur.width);
  return parts.join(' ');
}

/** 'downtrained' (fewer lanes than both ends can do), 'slow' (speed below capable) or ''. */
function linkState(link) {
  if (!link || !link.current) return '';
  const cur = link.current;
  const max = link.max || {};
  const up = link.upstream && link.upstream.max;
  const capSpeed = Math.min(max.speedGTs ?? Infinity, (up && up.speedGTs) ?? Infinity);
  const capWidth = Math.min(max.width ?? Infinity, (up && up.width) ?? Infinity);
  if (cur.width != null && capWidth !== Infinity && cur.width < capWidth) return 'downtrained';
  if (cur.speedGTs != null && capSpeed !== Infinity && cur.speedGTs < capSpeed) return 'slow';
  return '';
}

function acsRedirects(acs) {
  const c = acs && acs.state === 'present' && acs.control;
  return !!(c && (c.reqRedir || c.cmpltRedir || c.egressCtrl));
}

function isPort(f) {
  return ['root-port', 'switch-upstream', 'switch-downstream', 'pci-bridge'].includes(f.portType)
    || f.kind === 'switch-port' || f.kind === 'bridge';
}

// the driver's product name first: pci.ids may not know a new GPU (10de:2335, the H200)
function shortName(f, product) {
  const n = product || f.deviceName || f.vendorName || f.kind || 'device';
  return n.length > 26 ? n.slice(0, 25) + '…' : n;
}

const PORT_ABBR = {
  'root-port': 'root port', 'switch-upstream': 'upstream', 'switch-downstream': 'downstream',
  'pci-bridge': 'PCI bridge',
};

/** Report JSON → cytoscape elements; {@code names} maps BDFs to GPU0/NIC1… */
/**
 * Whether a function is a platform device on a root bus (chipset or CPU uncore functions: not a
 * port, not a P2P candidate); hidden unless asked for.
 */
function isPlatform(f) {
  return !f.parent && !isPort(f) && (f.kind === 'other' || f.kind === 'bridge');
}

export function elements(report, names, opts = {}) {
  const nodes = [];
  const edges = [];
  const byBdf = new Map(report.pci.map((f) => [f.bdf, f]));
  const product = new Map((report.gpus || []).filter((g) => g.nvml && g.nvml.productName)
    .map((g) => [g.pciFunction, g.nvml.productName]));
  const bridges = new Set();
  // Switches: an upstream port and its downstream ports share one compound box.
  const switchOf = new Map();
  for (const f of report.pci) {
    if (f.portType === 'switch-upstream') switchOf.set(f.bdf, 'sw:' + f.bdf);
  }
  for (const f of report.pci) {
    if (f.portType === 'switch-downstream' && f.parent && switchOf.has(f.parent)
      && byBdf.get(f.parent).portType === 'switch-upstream') {
      switchOf.set(f.bdf, switchOf.get(f.parent));
    }
  }
  // NUMA node of each root bus: the first function below it that knows its node.
  const numaOf = new Map();
  for (const f of report.pci) {
    const hb = f.hostBridge || 'host';
    if (f.numaNode != null && f.numaNode >= 0 && !numaOf.has(hb)) numaOf.set(hb, 'numa:' + f.numaNode);
  }
  const numaIds = new Set(numaOf.values());
  if (numaIds.size > 1) {
    // Root buses that name no node get a box of their own, so every tree sits in one box.
    for (const f of report.pci) {
      const hb = f.hostBridge || 'host';
      if (!numaOf.has(hb)) numaOf.set(hb, 'numa:?');
    }
    if ([...numaOf.values()].includes('numa:?')) numaIds.add('numa:?');
  }
  const groupOf = (f) => (numaIds.size > 1 ? numaOf.get(f.hostBridge || 'host') : undefined);
  for (const id of numaIds.size > 1 ? numaIds : []) {
    nodes.push({ data: { id, label: id === 'numa:?' ? 'NUMA node unknown' : 'NUMA node ' + id.slice(5), type: 'numa' } });
  }
  for (const id of new Set(switchOf.values())) {
    const up = byBdf.get(id.slice(3));
    nodes.push({ data: { id, label: 'switch' + (up.vendorName ? ' · ' + up.vendorName.split(' ')[0] : ''), type: 'switch', parent: groupOf(up) } });
  }
  // SR-IOV: VFs are collapsed under their PF, which shows the count.
  const vfCount = new Map();
  const isVf = (f) => f.sriov && f.sriov.physfn && byBdf.has(f.sriov.physfn);
  for (const f of report.pci) {
    if (isVf(f)) vfCount.set(f.sriov.physfn, (vfCount.get(f.sriov.physfn) || 0) + 1);
  }
  for (const f of report.pci) {
    if (isVf(f)) continue;
    if (!opts.platform && isPlatform(f)) continue;
    const port = isPort(f);
    const kind = port ? 'port' : (COLORS[f.kind] ? f.kind : 'other');
    const short = f.bdf.startsWith('0000:') ? f.bdf.slice(5) : f.bdf;
    const label = port
      ? (PORT_ABBR[f.portType] || 'bridge') + '\n' + short
      : (names.get(f.bdf) ? names.get(f.bdf) + ' · ' : '') + short + '\n' + shortName(f, product.get(f.bdf))
        + (vfCount.get(f.bdf) ? '\n+' + vfCount.get(f.bdf) + ' VFs' : '');
    const classes = [kind === 'port' ? 'port' : 'endpoint', 'k-' + kind];
    if (acsRedirects(f.acs)) classes.push('acs');
    nodes.push({
      data: { id: f.bdf, label, kind, type: port ? 'port' : 'device', parent: switchOf.get(f.bdf) || groupOf(f), bdf: f.bdf, title: f.deviceName || '' },
      classes: classes.join(' '),
    });
    let from = f.parent;
    if (!from || !byBdf.has(from)) {
      from = f.hostBridge || 'host';
      bridges.add(from);
    }
    // Root ports and downstream ports hang off a bus inside the root complex or the switch: no
    // PCIe link there (their own link attributes describe the link below them).
    const internal = f.portType === 'root-port' || f.portType === 'switch-downstream'
      || f.portType === 'rc-integrated' || !f.parent;
    const state = internal ? '' : linkState(f.link);
    edges.push({ data: { id: from + '->' + f.bdf, source: from, target: f.bdf, label: internal ? '' : linkLabel(f.link) }, classes: state });
  }
  for (const b of bridges) {
    nodes.push({ data: { id: b, label: 'host bridge\n' + b, kind: 'hostbridge', type: 'hostbridge', parent: numaIds.size > 1 ? numaOf.get(b) : undefined }, classes: 'hostbridge' });
  }
  const used = new Set(nodes.map((n) => n.data.parent).filter(Boolean));
  return nodes.filter((n) => n.data.type !== 'numa' || used.has(n.data.id)).concat(edges);
}

/** How many platform devices {@link elements} hides by default. */
function platformCount(report) {
  return report.pci.filter(isPlatform).length;
}

export const STYLE = [
  { selector: 'node', style: {
    'label': 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'text-halign': 'center',
    'font-size': 9, 'shape': 'round-rectangle', 'width': 128, 'height': 34, 'color': '#1b2430',
    'background-color': '#e3e7ec', 'border-width': 1, 'border-color': '#6b7785' } },
  { selector: 'node.port', style: { 'background-color': COLORS.port, 'width': 78, 'height': 26, 'font-size': 8 } },
  { selector: 'node.hostbridge', style: { 'background-color': COLORS.hostbridge, 'color': '#fff', 'width': 130 } },
  { selector: 'node.k-gpu', style: { 'background-color': COLORS.gpu } },
  { selector: 'node.k-nic, node.k-rdma', style: { 'background-color': COLORS.nic } },
  { selector: 'node.k-nvme', style: { 'background-color': COLORS.nvme } },
  { selector: 'node.k-accelerator', style: { 'background-color': COLORS.accelerator } },
  { selector: 'node[type = "switch"]', style: {
    'background-color': '#f4f6f9', 'border-style': 'dashed', 'border-color': '#6b7785',
    'text-valign': 'top', 'text-halign': 'center', 'font-size': 9, 'padding': 8 } },
  { selector: 'node[type = "numa"]', style: {
    'background-color': '#fbfcfd', 'background-opacity': 0.6, 'border-color': '#9aa5b1', 'border-width': 1,
    'text-valign': 'top', 'text-halign': 'center', 'font-size': 12, 'font-weight': 600, 'padding': 14 } },
  { selector: 'node.acs', style: { 'border-width': 3, 'border-color': '#e67e22' } },
  { selector: 'edge', style: {
    'width': 1.5, 'line-color': '#8a96a3', 'curve-style': 'bezier', 'label': 'data(label)',
    'font-size': 8, 'color': '#3d4752', 'text-background-color': '#fff', 'text-background-opacity': 0.85,
    'text-background-padding': 1 } },
  { selector: 'edge.slow', style: { 'line-color': '#d9822b', 'line-style': 'dotted', 'width': 2.5 } },
  { selector: 'edge.downtrained', style: { 'line-color': '#c0392b', 'line-style': 'dashed', 'width': 2.5, 'color': '#9b1c1c' } },
  { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#d6336c' } },
  { selector: 'edge.path', style: { 'line-color': '#d6336c', 'width': 4 } },
  { selector: 'edge.cpu', style: { 'line-style': 'dashed', 'curve-style': 'unbundled-bezier', 'control-point-distances': [-80], 'font-size': 11, 'font-weight': 600, 'color': '#d6336c' } },
  { selector: 'node.picked', style: { 'border-width': 5, 'border-color': '#1f5f99' } },
];

export async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) {
    let detail = '';
    try { detail = (await r.json()).detail || ''; } catch (e) { /* not JSON */ }
    throw new Error(url + ': HTTP ' + r.status + (detail ? ' — ' + detail : ''));
  }
  return r.json();
}

export function showError(err) {
  const p = document.getElementById('load-error');
  p.textContent = String(err.message || err);
  p.hidden = false;
}

function renderVerdict(v, names) {
  const body = document.getElementById('verdict-body');
  body.replaceChildren();
  const label = (bdf) => (names.get(bdf) ? names.get(bdf) + ' ' : '') + bdf;
  const dl = el('dl', {},
    el('dt', {}, 'A'), el('dd', { class: 'mono' }, label(v.a)),
    el('dt', {}, 'B'), el('dd', { class: 'mono' }, label(v.b)),
    el('dt', {}, 'Kernel'), el('dd', { id: 'v-kernel' }, v.kernel.mapType,
      v.kernel.provisional ? ' (provisional)' : '', ' · distance ' + v.kernel.distance),
    el('dt', {}, 'nvidia-smi'), el('dd', { id: 'v-nvidia' }, v.nvidia + (v.nvidiaPcie && v.nvidiaPcie !== v.nvidia ? ' (PCIe: ' + v.nvidiaPcie + ')' : '')),
    el('dt', {}, 'NCCL'), el('dd', { id: 'v-nccl' }, v.nccl ? v.nccl.path + ' · P2P ' + (v.nccl.p2p ? 'on' : 'off') + ' · GDR ' + (v.nccl.gdr ? 'on' : 'off') : '—'),
    ...(v.driver ? [el('dt', {}, 'Driver'), el('dd', { id: 'v-driver' }, v.driver.label + ' · read ' +
      v.driver.read + ' · write ' + v.driver.write + ' · NVLink ' + v.driver.nvlink +
      (v.driver.commonAncestor ? ' · ' + v.driver.commonAncestor : ''))] : []),
    el('dt', {}, 'Bottleneck'), el('dd', { id: 'v-bottleneck' }, v.bottleneck
      ? v.bottleneck.bdf + ' · ' + v.bottleneck.usableGBps.toFixed(1) + ' GB/s usable (' + v.bottleneck.rawGBps.toFixed(1) + ' raw)'
      : 'unknown'));
  body.append(dl);
  body.append(el('h3', {}, 'Hops'));
  const ol = el('ol', { class: 'hops', id: 'v-hops' });
  for (const h of v.hops) ol.append(el('li', {}, h));
  body.append(ol);
  body.append(el('h3', {}, 'Reasons'));
  const ul = el('ul', { class: 'reasons', id: 'v-reasons' });
  for (const r of v.reasons) {
    ul.append(el('li', { 'data-code': r.code }, el('span', { class: 'code' }, r.code), ' ', r.message,
      r.fix ? el('div', { class: 'fix' }, 'Fix: ', r.fix) : null));
  }
  if (!v.reasons.length) ul.append(el('li', { class: 'muted' }, 'none'));
  body.append(ul);
  body.hidden = false;
  document.getElementById('verdict-empty').hidden = true;
}

function linkText(ls) {
  if (!ls || (ls.speedGTs == null && ls.width == null)) return 'unknown';
  return (ls.speedGTs != null ? gen(ls.speedGTs) + ' (' + ls.speedGTs + ' GT/s)' : '?') + ' x' + (ls.width ?? '?');
}

function acsText(acs) {
  if (!acs) return 'unknown';
  if (acs.state !== 'present') return acs.state;
  const c = acs.control || {};
  const on = ['srcValid', 'transBlk', 'reqRedir', 'cmpltRedir', 'upstreamFwd', 'egressCtrl', 'directTrans'].filter((k) => c[k]);
  return (acsRedirects(acs) ? 'redirects P2P — ' : 'no redirect — ') + (on.length ? 'enabled: ' + on.join(', ') : 'all control bits off');
}

/** The details card for one PCI function (ids, driver, NUMA, link, ACS, IOMMU, SR-IOV, RDMA). */
function renderDetails(report, bdf, names) {
  const f = report.pci.find((x) => x.bdf === bdf);
  const card = document.getElementById('details');
  if (!f) { card.hidden = true; return; }
  const rows = [
    ['BDF', f.bdf + (names.get(f.bdf) ? ' (' + names.get(f.bdf) + ')' : '')],
    ['Device', [f.vendorName, f.deviceName].filter(Boolean).join(' ') || 'unknown'],
    ['IDs', [f.vendorId, f.deviceId].filter(Boolean).join(':') + (f.subsystemVendorId ? ' (sub ' + f.subsystemVendorId + ':' + f.subsystemDeviceId + ')' : '')],
    ['Kind', f.kind + (f.portType ? ' · ' + f.portType : '')],
    ['Driver', f.driver || '—'],
    ['NUMA node', f.numaNode ?? 'unknown'],
    ['Host bridge', f.hostBridge || '—'],
    ['Link', f.link ? linkText(f.link.current) + ' of ' + linkText(f.link.max) + (f.link.reportedGBps ? ' · ' + f.link.reportedGBps + ' GB/s' : '') : 'unknown'],
    ['ACS', acsText(f.acs)],
    ['IOMMU group', f.iommu ? f.iommu.group + (f.iommu.type ? ' (' + f.iommu.type + ')' : '') : 'none'],
  ];
  if (f.sriov) {
    rows.push(['SR-IOV', f.sriov.physfn ? 'VF of ' + f.sriov.physfn : (f.sriov.numVfs ?? 0) + ' of ' + (f.sriov.totalVfs ?? '?') + ' VFs']);
  }
  const gpu = (report.gpus || []).find((g) => g.pciFunction === f.bdf);
  if (gpu) rows.push(...gpuRows(gpu, report));
  for (const r of report.rdma.filter((x) => x.pciFunction === f.bdf)) {
    rows.push(['RDMA ' + r.name, (r.ports || []).map((p) => 'port ' + p.port + ' ' + (p.state || '?') + ' ' + (p.rate || '') + ' ' + (p.linkLayer || '')).join('; ') || 'no ports']);
  }
  const dl = el('dl', { id: 'details-list' });
  for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v));
  card.replaceChildren(el('h2', {}, 'Device'), dl);
  card.hidden = false;
}

/** The driver's answers for a GPU (NVML, `gpus[].nvml` of the report), or why there are none. */
function gpuRows(gpu, report) {
  const n = gpu.nvml;
  if (!n) {
    const absent = (report.diagnostics || []).find((d) => d.path === 'nvml');
    return [['NVML', absent ? absent.reason.replace(/^nvml: /, '') : 'not asked (an import or an archive)']];
  }
  const gen = (g, w) => (g ? 'Gen' + g : 'Gen?') + ' x' + (w ?? '?');
  const cuda = (v) => Math.floor(v / 1000) + '.' + (v % 1000) / 10;
  const up = n.nvlinks.filter((l) => l.active).length;
  return [
    ['GPU', [n.productName, n.computeCapability && 'compute ' + n.computeCapability,
      n.memoryBytes && (n.memoryBytes / 2 ** 30).toFixed(1) + ' GiB'].filter(Boolean).join(' · ') || 'unknown'],
    ['UUID', n.uuid || 'unknown'],
    ['Driver version', [n.driverVersion, n.cudaDriverVersion && 'CUDA ' + cuda(n.cudaDriverVersion)].filter(Boolean).join(' · ') || 'unknown'],
    ['PCIe (driver)', gen(n.pcieGenCurrent, n.pcieWidthCurrent) + ' of ' + gen(n.pcieGenMax, n.pcieWidthMax) +
      (n.pcieReplays != null ? ' · ' + n.pcieReplays + ' replays' : '')],
    ['Virtualization', (n.virtualization || 'unknown') + (n.migEnabled ? ' · MIG on' : '')],
    ['NVLink', n.nvlinks.length ? up + ' of ' + n.nvlinks.length + ' links up' : 'none reported'],
  ];
}

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

/** The banner over the host page after a live update: the new snapshot and what changed. */
function showBanner(ev, changes) {
  let banner = document.getElementById('live-banner');
  if (!banner) {
    banner = el('div', { id: 'live-banner', class: 'live-banner', role: 'status' });
    document.querySelector('#host-page h1').after(banner);
  }
  const MAX = 8;
  const ul = el('ul', { id: 'live-changes' });
  for (const c of changes.slice(0, MAX)) ul.append(el('li', { 'data-kind': c.kind, 'data-device': c.device }, describe(c)));
  if (changes.length > MAX) ul.append(el('li', { class: 'muted' }, '… and ' + (changes.length - MAX) + ' more (see the history)'));
  const close = el('button', { type: 'button', class: 'secondary', 'aria-label': 'dismiss' }, 'Dismiss');
  close.addEventListener('click', () => { banner.hidden = true; });
  banner.replaceChildren(el('div', {},
    el('strong', {}, 'Updated: '), 'new snapshot ' + ev.snapshotId + (ev.imported ? ' (imported)' : '') + ' — '
      + (changes.length ? changes.length + ' change' + (changes.length === 1 ? '' : 's') : 'no structural change')
      + ' at ' + new Date().toLocaleTimeString(), ' ',
    el('a', { href: location.pathname.replace(/\/$/, '') + '/history' }, 'history'), ul), close);
  banner.dataset.snapshot = String(ev.snapshotId);
  banner.hidden = false;
}

async function main() {
  const page = document.getElementById('host-page');
  if (!page) return;
  const api = page.dataset.api;
  setupTabs();
  let [report, matrix] = await Promise.all([getJson(api + '/topology'), getJson(api + '/p2p')]);
  let names = renderMatrix(matrix);
  setupMatrixToggle(() => { names = renderMatrix(matrix); });
  fillSelects(matrix.devices, names);

  const container = document.getElementById('fabric');
  const cy = cytoscape({
    container, elements: [], style: STYLE,
    minZoom: 0.1, maxZoom: 3, boxSelectionEnabled: false, autoungrabify: true,
  });
  window.fabricscope = { cy, report, matrix };
  const draw = (platform) => {
    container.dataset.state = 'loading';
    cy.elements().remove();
    cy.add(elements(report, names, { platform }));
    layoutFabric(cy, container, () => {
      // Milliseconds from navigation start to a laid-out, selectable graph (read by the tests).
      if (!container.dataset.readyMs) container.dataset.readyMs = String(Math.round(performance.now()));
      container.dataset.state = 'ready';
    });
  };
  const platformBox = document.getElementById('show-platform');
  const countPlatform = () => {
    const hidden = platformCount(report);
    document.getElementById('platform-count').textContent = String(hidden);
    platformBox.closest('label').hidden = hidden === 0;
  };
  countPlatform();
  platformBox.addEventListener('change', () => { draw(platformBox.checked); run(); });
  draw(false);

  const selA = document.getElementById('sel-a');
  const selB = document.getElementById('sel-b');
  let seq = 0;
  async function update() {
    cy.elements().removeClass('path picked');
    cy.remove('.transient');
    for (const v of [selA.value, selB.value]) if (v) cy.getElementById(v).addClass('picked');
    if (!selA.value || !selB.value || selA.value === selB.value) {
      document.getElementById('verdict-body').hidden = true;
      document.getElementById('verdict-empty').hidden = false;
      delete container.dataset.pair;
      return;
    }
    const my = ++seq;
    const v = await getJson(api + '/paths?a=' + encodeURIComponent(selA.value) + '&b=' + encodeURIComponent(selB.value));
    if (my !== seq) return;
    // A collapsed VF is drawn as its PF.
    const drawn = (bdf) => {
      if (cy.getElementById(bdf).nonempty()) return bdf;
      const f = report.pci.find((x) => x.bdf === bdf);
      return f && f.sriov && f.sriov.physfn ? f.sriov.physfn : bdf;
    };
    const ids = new Set([v.a, v.b, ...v.hops].map(drawn));
    let nodes = cy.collection();
    for (const id of ids) nodes = nodes.union(cy.getElementById(id));
    nodes.addClass('path');
    nodes.edgesWith(nodes).addClass('path');
    // Two root buses in a row: the traffic crosses the CPU (and, across sockets, the socket link).
    for (let i = 0; i + 1 < v.hops.length; i++) {
      const x = cy.getElementById(v.hops[i]);
      const y = cy.getElementById(v.hops[i + 1]);
      if (x.nonempty() && y.nonempty() && x.data('type') === 'hostbridge' && y.data('type') === 'hostbridge') {
        const cross = v.nvidiaPcie === 'SYS';
        cy.add({ group: 'edges', data: { id: 'via:' + x.id() + ':' + y.id(), source: x.id(), target: y.id(),
          label: cross ? 'across sockets (SYS)' : 'through the CPU' }, classes: 'transient path cpu' });
      }
    }
    renderVerdict(v, names);
    container.dataset.pair = v.a + '|' + v.b;
  }
  const run = () => update().catch(showError);
  selA.addEventListener('change', run);
  selB.addEventListener('change', run);
  document.getElementById('pair-clear').addEventListener('click', () => { selA.value = ''; selB.value = ''; run(); });

  // Live: a new snapshot of this host (Server-Sent Events) → re-fetch, redraw, say what changed.
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
    const diff = from
      ? await getJson(api + '/diff?from=' + from + '&to=' + ev.snapshotId)
      : { changes: [] };
    [report, matrix] = await Promise.all([getJson(api + '/topology'), getJson(api + '/p2p')]);
    window.fabricscope.report = report;
    window.fabricscope.matrix = matrix;
    names = renderMatrix(matrix);
    const keep = [selA.value, selB.value];
    for (const s of [selA, selB]) s.replaceChildren(el('option', { value: '' }, '—'));
    fillSelects(matrix.devices, names);
    [selA.value, selB.value] = keep.map((v) => ([...selA.options].some((o) => o.value === v) ? v : ''));
    countPlatform();
    document.getElementById('details').hidden = true;
    draw(platformBox.checked);
    run();
    showBanner(ev, diff.changes);
    // The server-rendered summary (counts, last seen) of the new snapshot.
    const html = await fetch(location.href, { headers: { Accept: 'text/html' } }).then((r) => (r.ok ? r.text() : ''));
    const fresh = html && new DOMParser().parseFromString(html, 'text/html').querySelector('#host-page .summary');
    if (fresh) document.querySelector('#host-page .summary').textContent = fresh.textContent;
  }
  const es = new EventSource('/api/v1/host-events/' + encodeURIComponent(page.dataset.host));
  es.onmessage = (e) => onEvent(JSON.parse(e.data)).catch(showError);
  window.addEventListener('pagehide', () => es.close());
  cy.on('tap', 'node[type = "device"], node[type = "port"]', (evt) => renderDetails(report, evt.target.id(), names));
  cy.on('tap', 'node[type = "device"]', (evt) => {
    const bdf = evt.target.id();
    if (![...selA.options].some((o) => o.value === bdf)) return;
    if (!selA.value || (selA.value && selB.value)) { selA.value = bdf; selB.value = ''; } else { selB.value = bdf; }
    run();
  });

  // A preselected pair from the URL (?a=BDF&b=BDF, e.g. from the findings page); one device alone
  // is marked and its details shown.
  const params = new URLSearchParams(window.location.search);
  const known = (v) => !!v && [...selA.options].some((o) => o.value === v);
  const pa = params.get('a');
  const pb = params.get('b');
  if (known(pa)) {
    selA.value = pa;
    if (known(pb)) selB.value = pb;
    else if (cy.getElementById(pa).nonempty()) renderDetails(report, pa, names);
    run();
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => main().catch(showError));
} else {
  main().catch(showError);
}
