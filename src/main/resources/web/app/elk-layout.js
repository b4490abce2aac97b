// ELK (elkjs) laying out cytoscape elements in a Web Worker. The first layout of a page used to
// cost 0.5–1 s on the main thread (ELK's GWT code compiled and warmed on first use, whatever the
// graph's size: 19 nodes took as long as 50, a warm rerun 50–100 ms), and it came after the page
// had parsed its API answers, so the two added up. In a worker, ELK loads and warms up (one tiny
// layout of the same algorithms) while the page fetches and parses, on the machine's other core,
// and the page keeps answering while a layout runs. The worker script is elkjs' own
// elk-worker.min.js, copied from node_modules at build time (pom.xml) and served as /lib/.

import ELK from 'elkjs/lib/elk-api.js';

const WORKER_URL = '/lib/elk-worker.min.js';

// The algorithms and hierarchy handling the fabric layouts use, on a few nodes: run once when the
// worker starts so the real layout finds ELK's code compiled.
const WARM_UP = {
  id: 'root',
  layoutOptions: { 'elk.algorithm': 'rectpacking', 'elk.hierarchyHandling': 'SEPARATE_CHILDREN' },
  children: [0, 1].map((b) => ({
    id: 'box' + b,
    layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'DOWN', 'elk.hierarchyHandling': 'INCLUDE_CHILDREN' },
    children: [0, 1, 2, 3].map((i) => ({ id: b + 'n' + i, width: 60, height: 30 })),
    edges: [1, 2, 3].map((i) => ({ id: b + 'e' + i, sources: [b + 'n0'], targets: [b + 'n' + i] })),
  })),
};

let engine = null;

/** The page's one ELK worker, started (and warmed up) on first use. */
function elk() {
  if (!engine) {
    engine = new ELK({ workerUrl: WORKER_URL });
    engine.layout(WARM_UP).catch((e) => console.error('ELK worker: ' + (e && e.message ? e.message : e)));
  }
  return engine;
}

/** Starts the worker now, so that it is warm when the page has its graph. */
export function warmUpLayout() {
  elk();
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
 * Lays out {@code eles} (nodes and the edges between them) with ELK in the worker and moves the
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
