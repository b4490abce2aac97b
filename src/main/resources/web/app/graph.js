// The fabric graph shared by the host, history and plan pages: a report (the topology JSON of the
// read API) drawn as cytoscape elements, laid out with ELK, and a pair's path highlighted. It only
// draws what the report and the server's verdicts say.
import cytoscape from 'cytoscape';
import { elkLayout, warmUpLayout } from './elk-layout.js';
import { showError } from './dom.js';

export const COLORS = {
  gpu: '#7bd88f', nic: '#8fc9ff', rdma: '#8fc9ff', nvme: '#ffd166', accelerator: '#d5a6ff',
  other: '#e3e7ec', port: '#c9d3de', hostbridge: '#1f3b57',
};
const GEN = { 2.5: 1, 5: 2, 8: 3, 16: 4, 32: 5, 64: 6, 128: 7 };

const LAYERED = {
  'elk.algorithm': 'layered', 'elk.direction': 'DOWN', 'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': 40, 'elk.spacing.nodeNode': 18,
  'elk.edgeLabels.inline': true,
};

const GRID = {
  'elk.algorithm': 'rectpacking', 'elk.hierarchyHandling': 'SEPARATE_CHILDREN', 'elk.aspectRatio': 2,
  'elk.spacing.nodeNode': 10,
};

/**
 * Lays out a fabric graph with ELK (host and history pages): layered top-down; with NUMA boxes,
 * each box is laid out layered as a whole and the boxes are packed (stacked), so a two-socket
 * fabric is not one endless row. Then gives the drawing the height its aspect ratio wants (wide
 * fabrics stay readable), fits it and calls onReady.
 */
export function layoutFabric(cy, container, onReady) {
  const numa = cy.nodes('[type = "numa"]').length > 0;
  // NVLinks are drawn over the PCIe tree, not laid out with it (they would pull GPUs out of it)
  const eles = cy.elements().not('edge[kind = "nvlink"]');
  // NUMA boxes are laid out layered; a box of platform devices (host page) as a grid
  const perNode = (n) => (n.data('type') === 'platform' ? GRID : numa && n.data('type') === 'numa' ? LAYERED : undefined);
  // the NUMA boxes stacked 60 units apart: a box's name is drawn above it at up to ~55 units
  const root = numa
    ? { 'elk.algorithm': 'rectpacking', 'elk.hierarchyHandling': 'SEPARATE_CHILDREN', 'elk.aspectRatio': 1.2, 'elk.spacing.nodeNode': 60 }
    : LAYERED;
  elkLayout(cy, eles, root, perNode).then(() => {
    const bb = cy.elements().boundingBox();
    const want = Math.round(container.clientWidth * (bb.h / Math.max(1, bb.w))) + 40;
    container.style.height = Math.max(320, Math.min(want, Math.round(window.innerHeight * 0.75))) + 'px';
    cy.resize();
    cy.fit(undefined, 16);
    onReady();
  }).catch(showError);
}

export function gen(speed) {
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

export function acsRedirects(acs) {
  const c = acs && acs.state === 'present' && acs.control;
  return !!(c && (c.reqRedir || c.cmpltRedir || c.egressCtrl));
}

export function isPort(f) {
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

/**
 * Whether a function is a platform device on a root bus (chipset or CPU uncore functions: not a
 * port, not a P2P candidate); hidden unless asked for.
 */
export function isPlatform(f) {
  return !f.parent && !isPort(f) && (f.kind === 'other' || f.kind === 'bridge');
}

/** Report JSON → cytoscape elements; {@code names} maps BDFs to GPU0/NIC1… */
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
export function platformCount(report) {
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
  // plan page: a node an edit names (moved device, target port, ACS port, changed link)
  { selector: 'node.edited', style: { 'border-width': 4, 'border-style': 'dashed', 'border-color': '#7048e8' } },
  { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#d6336c' } },
  { selector: 'edge.path', style: { 'line-color': '#d6336c', 'width': 4 } },
  { selector: 'edge.cpu', style: { 'line-style': 'dashed', 'curve-style': 'unbundled-bezier', 'control-point-distances': [-80], 'font-size': 11, 'font-weight': 600, 'color': '#d6336c' } },
  { selector: 'node.picked', style: { 'border-width': 5, 'border-color': '#1f5f99' } },
];

/** A cytoscape instance for a fabric graph in {@code container}, with a page's extra style rules. */
export function fabricGraph(container, extraStyle = []) {
  warmUpLayout(); // the layout worker loads while the page fetches its graph
  return cytoscape({
    container, elements: [], style: STYLE.concat(extraStyle),
    minZoom: 0.1, maxZoom: 3, boxSelectionEnabled: false, autoungrabify: true,
  });
}

/** Removes a highlighted path and the picked marks. */
export function clearPath(cy) {
  cy.elements().removeClass('path picked');
  cy.remove('.transient');
}

/**
 * Highlights the path of a pair verdict (GET …/paths: a, b and the hops the server walked); a
 * collapsed VF is drawn as its PF. Two root buses in a row mean the traffic crosses the CPU. Call
 * {@link clearPath} first.
 */
export function highlightPath(cy, report, v) {
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
}
