// A fabric graph as the server computes it (GET …/graph of a host, a snapshot or a plan version,
// or a plan preview's "graph") drawn with every view tool the host page has: layout by graph.js,
// the semantic zoom, collapsible switch boxes, fit / zoom / reset, the overview, search, keyboard
// and SVG / PNG downloads (the fabric-*.js modules). Host and plan pages both draw through this;
// nothing here derives a group, a link state or a name.
import { fabricGraph, layoutFabric, highlightPath, clearPath } from './graph.js';
import { serverElements, HOST_STYLE, setupSemanticZoom } from './fabric-elements.js';
import { Collapser, COLLAPSE_OVER } from './fabric-collapse.js';
import { setupView, setupMinimap } from './fabric-view.js';
import { setupFind } from './fabric-find.js';
import { setupDownloads, toSvg, toPng } from './fabric-export.js';

/**
 * Fits the drawing with room for the names drawn above boxes (NUMA, switch, platform: their
 * labels sit on top, up to ~55 graph units high), which cy.fit() cannot count before cytoscape has
 * drawn them once. {@code padding} is in screen pixels, as cy.fit()'s.
 */
function fitWithBoxNames(cy, padding) {
  const eles = cy.elements();
  if (eles.empty()) return;
  const bb = eles.boundingBox({ includeLabels: false, includeOverlays: false });
  let y1 = bb.y1;
  cy.nodes(':parent, [type = "switch"], [type = "platform"], [type = "numa"]').forEach((n) => {
    const shown = n.data('shown');
    if (!shown) return;
    // cytoscape's line height is the font size; a little more for the ascenders and margin
    const h = n.data('fs') * shown.split('\n').length * 1.2 + 4;
    y1 = Math.min(y1, n.boundingBox({ includeLabels: false }).y1 - h);
  });
  const w = Math.max(1, bb.x2 - bb.x1);
  const h = Math.max(1, bb.y2 - y1);
  const zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(),
    (cy.width() - 2 * padding) / w, (cy.height() - 2 * padding) / h));
  cy.viewport({ zoom, pan: { x: (cy.width() - zoom * (bb.x1 + bb.x2)) / 2, y: (cy.height() - zoom * (y1 + bb.y2)) / 2 } });
}

/** Records when a step of the first drawing ended, ms after navigation start (for the benchmark). */
export function stamp(container, step) {
  if (container.dataset.readyMs) return;
  const key = 't' + step[0].toUpperCase() + step.slice(1).replace(/-./g, (x) => x[1].toUpperCase());
  container.dataset[key] = String(Math.round(performance.now()));
}

/**
 * The view in {@code container}. {@code title} names the downloads (the host or the plan),
 * {@code pick(bdf)} is what a click on a device (or Enter on it) does, {@code report()} the report
 * (or a promise of it) whose VFs are drawn as their PF, {@code ready} a promise the first "ready" waits for (the page's
 * pickers filled), {@code reset()} what the Reset button does (by default: draw the last graph
 * again, as opened).
 */
export function graphView(container, { title, pick, report, ready = Promise.resolve(), reset }) {
  const cy = fabricGraph(container, HOST_STYLE);
  cy.minZoom(0.02);
  const relabel = setupSemanticZoom(cy);
  const collapser = new Collapser(cy);
  const minimap = setupMinimap(cy, document.getElementById('minimap'));
  let graph = null;

  // laid out inside a hidden tab (the host page opened on #matrix): no size to fit to, redone when shown
  let hiddenLayout = false;
  function layout(focus) {
    container.dataset.state = 'loading';
    hiddenLayout = container.clientWidth === 0;
    return new Promise((resolve) => layoutFabric(cy, container, resolve)).then(() => {
      stamp(container, 'laid-out');
      const n = focus && cy.getElementById(focus);
      relabel();
      if (n && n.nonempty()) {
        cy.center(n);
      } else {
        fitWithBoxNames(cy, 16);
        relabel();
      }
      stamp(container, 'drawn');
      // the overview is drawn once the graph answers (it renders the whole graph to an image)
      setTimeout(minimap, 0);
    }).then(() => ready).then(() => {
      // Milliseconds from navigation start to a laid-out graph whose devices can be picked: read
      // by the tests and the benchmark.
      if (!container.dataset.readyMs) container.dataset.readyMs = String(Math.round(performance.now()));
      container.dataset.state = 'ready';
    });
  }

  /** Draws a server graph ({nodes, edges}) in place of the shown one; big graphs open collapsed. */
  async function show(g) {
    graph = g;
    container.dataset.state = 'loading';
    cy.batch(() => {
      cy.elements().remove();
      collapser.reset();
      const els = serverElements(g);
      cy.add(g.nodes.length > COLLAPSE_OVER ? collapser.foldAll(els) : els);
    });
    stamp(container, 'added');
    container.dataset.collapsed = String(collapser.stash.size);
    await layout();
    return g;
  }

  const relayout = (fit, focus) => {
    container.dataset.collapsed = String(collapser.stash.size);
    return layout(fit ? null : focus);
  };
  setupView(cy, collapser, { relayout, reset: reset || (() => (graph ? show(graph) : Promise.resolve())) });

  /** Shows a node (opening the boxes that hide it) and resolves to it. */
  async function reveal(id) {
    if (collapser.reveal([id])) await relayout(false, id);
    return cy.getElementById(id);
  }
  setupFind(cy, container, collapser, { show: reveal, pick });
  setupDownloads(cy, title, container);

  const vfParent = (rep, bdf) => {
    const f = rep.pci.find((x) => x.bdf === bdf);
    return f && f.sriov && f.sriov.physfn ? f.sriov.physfn : bdf;
  };

  /** Marks a pair (its two ends before a verdict is known). */
  function mark(ids) {
    clearPath(cy);
    cy.elements().removeClass('alt');
    for (const id of ids) if (id) cy.getElementById(id).addClass('picked');
  }

  /**
   * Highlights a verdict's path (GET …/paths); with an NVLink route (GET …/graph/route), that one,
   * and the PCIe path as the alternative.
   */
  async function highlight(v, route) {
    const nv = route && route.nvlink && route.nvlink.edges.length ? route.nvlink : null;
    const rep = await report(); // the host page reads its report when first needed
    const ids = [v.a, v.b, ...v.hops].map((bdf) => vfParent(rep, bdf)).concat(nv ? nv.nodes : []);
    if (collapser.reveal(ids)) await relayout(true);
    mark([]);
    highlightPath(cy, rep, v);
    if (nv) {
      cy.elements('.path').removeClass('path').addClass('alt');
      for (const id of nv.nodes.concat(nv.edges)) cy.getElementById(id).removeClass('alt').addClass('path');
    }
    container.dataset.route = nv ? 'nvlink' : 'pcie';
  }

  // the downloads' contents, for the pages' tests: the SVG text and the PNG as a data URL
  const svg = () => toSvg(cy, title);
  const png = () => toPng(svg()).then((b) => new Promise((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.readAsDataURL(b);
  }));
  /** Call when a hidden tab holding the graph is shown. */
  const shown = () => (hiddenLayout ? relayout(true) : Promise.resolve());
  return { cy, show, highlight, mark, svg, png, shown, graph: () => graph };
}
