// ELK (elkjs) laying out cytoscape elements: the page's own small adapter in place of
// cytoscape-elk, with one ELK instance per page and the graph handed to ELK as plain JSON.
// ELK runs on the page's thread (elk.bundled.js). Tried and measured (docs/benchmarks.md): ELK in
// a Web Worker (elk-worker.min.js) was slower to a first drawing, 1.8 s instead of 1.3 s for the
// DGX-2, most likely because each page load compiles the worker's 1.6 MB script afresh while the
// page's own bundle comes from the browser's code cache.

import ELK from 'elkjs/lib/elk.bundled.js';

let engine = null;

/** The page's one ELK instance. */
function elk() {
  if (!engine) engine = new ELK();
  return engine;
}

const DIMS = { nodeDimensionsIncludeLabels: false };

/** cytoscape elements → ELK's JSON graph (ids, sizes, nesting, per-node options; no functions). */
function elkGraph(eles, rootOptions, nodeLayoutOptions) {
  const graph = { id: 'root', layoutOptions: rootOptions, children: [], edges: [] };
  const byId = new Map();
  const nodes = eles.nodes();
  for (const n of nodes) {
    const k = { id: n.id() };
    const lo = nodeLayoutOptions && nodeLayoutOptions(n);
    if (lo) k.layoutOptions = lo;
    if (!n.isParent()) {
      const d = n.layoutDimensions(DIMS);
      k.width = d.w;
      k.height = d.h;
    }
    byId.set(k.id, k);
  }
  for (const n of nodes) {
    const parent = n.isChild() ? byId.get(n.parent().id()) : null;
    const into = parent ? (parent.children = parent.children || []) : graph.children;
    into.push(byId.get(n.id()));
  }
  // every edge at the top, as cytoscape-elk did: ELK places each in its endpoints' common box
  for (const e of eles.edges()) {
    if (byId.has(e.data('source')) && byId.has(e.data('target'))) {
      graph.edges.push({ id: e.id(), sources: [e.data('source')], targets: [e.data('target')] });
    }
  }
  return graph;
}

/**
 * Lays out {@code eles} (nodes and the edges between them) with ELK and moves the
 * leaf nodes to ELK's positions (cytoscape places the compound nodes around them). Resolves when
 * the nodes have moved; a node removed meanwhile is skipped.
 *
 * @param rootOptions ELK layout options of the whole graph (keys as ELK names them)
 * @param nodeLayoutOptions optional: a node → its own ELK options (e.g. a box laid out otherwise)
 */
export function elkLayout(cy, eles, rootOptions, nodeLayoutOptions) {
  const options = { aspectRatio: cy.width() / Math.max(1, cy.height()), ...rootOptions };
  const nodes = eles.nodes();
  return elk().layout(elkGraph(eles, options, nodeLayoutOptions)).then((out) => {
    const at = new Map(); // leaf id → centre in graph coordinates
    const walk = (k, x, y) => {
      for (const c of k.children || []) {
        if (c.children && c.children.length) walk(c, x + c.x, y + c.y);
        else at.set(c.id, { x: x + c.x + c.width / 2, y: y + c.y + c.height / 2 });
      }
    };
    walk(out, 0, 0);
    cy.batch(() => {
      for (const n of nodes) {
        const p = at.get(n.id());
        if (p && !n.removed() && !n.isParent()) n.position(p);
      }
    });
  });
}
