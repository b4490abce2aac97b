// The host page's fabric graph: drawn from GET …/graph (the server's nodes and edges), laid out by
// graph.js, with the semantic zoom, collapsible switch boxes, view controls, overview, search,
// keyboard and downloads of the fabric-*.js modules. A pair's path is the PCIe path of /paths, or,
// when nvidia-smi labels the pair NV#, the NVLink route of /graph/route with the PCIe path shown
// as the alternative.
import { fabricGraph, layoutFabric, highlightPath, clearPath } from './graph.js';
import { serverElements, HOST_STYLE, setupSemanticZoom } from './fabric-elements.js';
import { Collapser, COLLAPSE_OVER } from './fabric-collapse.js';
import { setupView, setupMinimap } from './fabric-view.js';
import { setupFind } from './fabric-find.js';
import { setupDownloads, toSvg, toPng } from './fabric-export.js';
import { getJson } from './dom.js';

/**
 * The graph in {@code container}; {@code pick(bdf)} is what a click on a device (or Enter on it)
 * does, {@code report()} resolves to the report (the VFs folded into their PF).
 */
export function hostGraph(container, { api, host, pick, report, ready }) {
  const cy = fabricGraph(container, HOST_STYLE);
  cy.minZoom(0.02);
  const relabel = setupSemanticZoom(cy);
  const collapser = new Collapser(cy);
  const minimap = setupMinimap(cy, document.getElementById('minimap'));
  let graph = null;
  // when each step of the first drawing ended, ms after navigation start (for the benchmark)
  const stamp = (step) => {
    if (!container.dataset.readyMs) container.dataset['t' + step[0].toUpperCase() + step.slice(1).replace(/-./g, (x) => x[1].toUpperCase())] = String(Math.round(performance.now()));
  };

  // laid out inside a hidden tab (the page opened on #matrix): no size to fit to, redone when shown
  let hiddenLayout = false;
  function layout(focus) {
    container.dataset.state = 'loading';
    hiddenLayout = container.clientWidth === 0;
    return new Promise((resolve) => layoutFabric(cy, container, resolve)).then(() => {
      stamp('laid-out');
      const n = focus && cy.getElementById(focus);
      relabel();
      if (n && n.nonempty()) {
        cy.center(n);
        return null;
      }
      // fitted again with the labels the zoom shows (a box's name sits above the box): cytoscape
      // measures a label when it draws it, so after the next frame (or 100 ms: no frames are
      // drawn in a background tab)
      return new Promise((resolve) => { requestAnimationFrame(resolve); setTimeout(resolve, 100); }).then(() => {
        cy.fit(undefined, 16);
        relabel();
      });
    }).then(() => {
      minimap();
      stamp('drawn');
    }).then(() => ready).then(() => {
      // Milliseconds from navigation start to a laid-out graph whose devices can be picked (the
      // pickers are filled from the matrix): read by the tests and the benchmark.
      if (!container.dataset.readyMs) container.dataset.readyMs = String(Math.round(performance.now()));
      container.dataset.state = 'ready';
    });
  }

  /** Fetches and draws the graph (platform devices too when asked); big hosts open collapsed. */
  async function draw(platform) {
    container.dataset.state = 'loading';
    graph = await getJson(api + '/graph' + (platform ? '?platform=true' : ''));
    stamp('fetched');
    // one batch: no style or bounds work for the elements a fold removes again
    cy.batch(() => {
      cy.elements().remove();
      collapser.reset();
      const els = serverElements(graph);
      cy.add(graph.nodes.length > COLLAPSE_OVER ? collapser.foldAll(els) : els);
    });
    stamp('added');
    container.dataset.collapsed = String(collapser.stash.size);
    await layout();
    return graph;
  }

  const relayout = (fit, focus) => {
    container.dataset.collapsed = String(collapser.stash.size);
    return layout(fit ? null : focus);
  };
  setupView(cy, collapser, { relayout, reset: () => draw(document.getElementById('show-platform').checked) });

  /** Shows a node (opening the boxes that hide it) and resolves to it. */
  async function show(id) {
    if (collapser.reveal([id])) await relayout(false, id);
    return cy.getElementById(id);
  }
  setupFind(cy, container, collapser, { show, pick });
  setupDownloads(cy, host, container);

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

  /** Highlights a verdict's path; with an NVLink route, that one, and the PCIe path as the alternative. */
  async function highlight(v, route) {
    const nv = route && route.nvlink && route.nvlink.edges.length ? route.nvlink : null;
    const rep = await report();
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

  // the downloads' contents, for the page's tests: the SVG text and the PNG as a data URL
  const svg = () => toSvg(cy, host);
  const png = () => toPng(svg()).then((b) => new Promise((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.readAsDataURL(b);
  }));
  /** Call when the Fabric tab is shown. */
  const shown = () => (hiddenLayout ? relayout(true) : Promise.resolve());
  return { cy, draw, highlight, mark, svg, png, shown, graph: () => graph,
    route: (a, b) => getJson(api + '/graph/route?a=' + encodeURIComponent(a) + '&b=' + encodeURIComponent(b)) };
}
