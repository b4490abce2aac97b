// A fabric graph as the server computes it (GET …/graph of a host or a plan version, a plan
// preview's "graph": nodes with kind, label, group and state; PCIe, internal and NVLink edges)
// turned into cytoscape elements, and the semantic zoom: every label is drawn at the richest level
// of detail whose font is at least MIN_PX on screen at the current zoom, or not at all. Nothing
// here derives a link state, a group or a name.

/** The smallest font, in screen pixels, a label is drawn at; smaller ones are hidden. */
export const MIN_PX = 10;

// Per node type (and 'edge'): the label levels, richest first, with their font size in graph units.
// 'full' is every line of the server's label, 'brief' the device name (GPU3) or short BDF.
// A box's last level ('big') has the largest font its label fits in across the box (set after
// each layout), so a box stays named however far out the view is zoomed.
const LEVELS = {
  device: [['full', 9], ['brief', 24]],
  nvswitch: [['full', 9], ['brief', 24]],
  port: [['full', 8]],
  hostbridge: [['full', 9], ['brief', 20]],
  switch: [['full', 9], ['brief', 22], ['big']],
  platform: [['full', 9], ['brief', 22], ['big']],
  numa: [['full', 12], ['brief', 40], ['big']],
  edge: [['full', 8]],
};
const fontOf = (ele, [level, fs]) => (level === 'big' ? ele.data('bigfs') || 0 : fs);

const STATE_CLASS = { downtrained: 'downtrained', 'below-capable-speed': 'slow' };

/** /graph → cytoscape elements; data.label is the full label, data.brief the zoomed-out one. */
export function serverElements(graph) {
  const out = [];
  for (const n of graph.nodes) {
    const classes = [];
    if (n.type === 'port') classes.push('port');
    else if (n.type === 'device' || n.type === 'nvswitch') classes.push('endpoint', 'k-' + n.kind);
    else if (n.type === 'hostbridge') classes.push('hostbridge');
    if (n.acsRedirect) classes.push('acs');
    const box = n.type === 'switch' || n.type === 'numa' || n.type === 'platform';
    const brief = n.type === 'device' || n.type === 'nvswitch'
      ? (n.name || n.label[0].split(' · ').pop()) : n.label[box ? 0 : n.label.length - 1];
    out.push({
      group: 'nodes',
      data: { id: n.id, label: n.label.join('\n'), brief,
        type: n.type, kind: n.kind, parent: n.parent || undefined, title: n.title || '', name: n.name || '', acs: !!n.acsRedirect,
        keys: n.keys || [], bdf: n.type === 'device' || n.type === 'port' ? n.id : undefined, shown: '', fs: 9 },
      classes: classes.join(' '),
    });
  }
  for (const e of graph.edges) {
    const classes = [STATE_CLASS[e.state] || '', e.kind === 'nvlink' ? 'nvlink' : ''].filter(Boolean);
    out.push({
      group: 'edges',
      data: { id: e.id, source: e.source, target: e.target, label: e.label || '', brief: '', kind: e.kind, count: e.count, shown: '', fs: 8 },
      classes: classes.join(' '),
    });
  }
  return out;
}

/** Style rules the host page adds to graph.js's STYLE: the shown label, NVLinks, search marks. */
export const HOST_STYLE = [
  { selector: 'node, edge', style: { 'label': 'data(shown)', 'font-size': 'data(fs)' } },
  { selector: 'node.k-nvswitch', style: { 'background-color': '#b2f2bb' } },
  { selector: 'node[type = "platform"]', style: {
    'background-color': '#f8f9fb', 'border-style': 'dotted', 'border-color': '#6b7785',
    'text-valign': 'top', 'text-halign': 'center', 'padding': 8 } },
  { selector: 'edge.nvlink', style: {
    'line-color': '#2f9e44', 'width': 'mapData(count, 1, 12, 1.5, 6)', 'opacity': 0.55,
    'curve-style': 'unbundled-bezier', 'control-point-distances': [30], 'color': '#1b5e20' } },
  { selector: 'edge.nvlink.path', style: { 'line-color': '#d6336c', 'opacity': 1, 'width': 4 } },
  { selector: 'edge.alt', style: { 'line-color': '#1f5f99', 'line-style': 'dashed', 'width': 3 } },
  { selector: 'node.alt', style: { 'border-width': 3, 'border-color': '#1f5f99', 'border-style': 'dashed' } },
  { selector: 'node.collapsed', style: { 'background-color': '#dde3ea', 'border-style': 'double', 'border-width': 4 } },
  { selector: 'node.found', style: { 'overlay-color': '#f59f00', 'overlay-opacity': 0.35, 'overlay-padding': 8 } },
  { selector: 'node.cursor', style: { 'underlay-color': '#1f5f99', 'underlay-opacity': 0.35, 'underlay-padding': 10 } },
];

function levels(ele) {
  return LEVELS[ele.isEdge() ? 'edge' : ele.data('type')] || LEVELS.device;
}

/** Picks each element's label and font for a zoom level (in a batch; call after adding elements). */
export function applyLabels(cy, zoom = cy.zoom()) {
  cy.batch(() => {
    cy.elements().forEach((ele) => {
      const pick = levels(ele).find((l) => fontOf(ele, l) * zoom >= MIN_PX);
      const text = pick ? (pick[0] === 'full' ? ele.data('label') : ele.data('brief')) : '';
      const fs = pick ? fontOf(ele, pick) : levels(ele)[0][1];
      if (ele.data('shown') !== text) ele.data('shown', text);
      if (ele.data('fs') !== fs) ele.data('fs', fs);
    });
  });
}

/** Sizes each box's 'big' label: as wide as the box, at most a tenth of its height. */
function sizeBoxLabels(cy) {
  cy.nodes(':parent').forEach((n) => {
    const text = n.data('brief') || '';
    const w = n.width();
    const h = n.height();
    n.data('bigfs', Math.max(0, Math.min(w / (0.62 * Math.max(4, text.length)), h / 10)));
  });
}

/** The zoom levels where some label changes its level of detail, ascending. */
function thresholds(cy) {
  const t = new Set();
  cy.elements().forEach((ele) => {
    for (const l of levels(ele)) { const fs = fontOf(ele, l); if (fs > 0) t.add(MIN_PX / fs); }
  });
  return [...t].sort((a, b) => a - b);
}

/**
 * Re-labels on zoom, only when the zoom crosses a level's threshold (a few hundred elements change
 * their label at once then, never on every wheel tick); synchronous, so no frame is drawn with a
 * label below MIN_PX. Returns a function that re-labels now (after elements are added).
 */
export function setupSemanticZoom(cy) {
  let cuts = [];
  const band = (z) => cuts.filter((c) => z >= c).length;
  let current = -1;
  cy.on('zoom', () => {
    const b = band(cy.zoom());
    if (b !== current) { current = b; applyLabels(cy); }
  });
  // after a layout: box sizes changed, so did their 'big' levels
  return () => {
    sizeBoxLabels(cy);
    cuts = thresholds(cy);
    current = band(cy.zoom());
    applyLabels(cy);
  };
}
