// The fabric graph shared by the host, history and plan pages: the cytoscape instance and style,
// the ELK layout, and a pair's path highlighted. What is drawn is the server's graph (GET …/graph,
// turned into elements by fabric-elements.js); nothing here derives a node, a group or a state.
import cytoscape from 'cytoscape';
import { elkLayout } from './elk-layout.js';
import { showError } from './dom.js';

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

const GRID = {
  'elk.algorithm': 'rectpacking', 'elk.hierarchyHandling': 'SEPARATE_CHILDREN', 'elk.aspectRatio': 2,
  'elk.spacing.nodeNode': 10,
};

/**
 * Lays out a fabric graph with ELK (host, history and plan pages): layered top-down; with NUMA boxes,
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

/** A link speed in GT/s as its PCIe generation (Gen4), for words about a link. */
export function gen(speed) {
  return GEN[speed] ? 'Gen' + GEN[speed] : speed + ' GT/s';
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
