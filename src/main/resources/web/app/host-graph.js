// The host page's fabric graph: GET …/graph (platform devices too when asked) drawn by graph-view.js
// with every view tool. A pair's path is the PCIe path of /paths, or, when nvidia-smi labels the
// pair NV#, the NVLink route of /graph/route with the PCIe path shown as the alternative.
import { graphView, stamp } from './graph-view.js';
import { getJson } from './dom.js';

/**
 * The graph in {@code container}; {@code pick(bdf)} is what a click on a device (or Enter on it)
 * does, {@code report()} resolves to the report (the VFs folded into their PF).
 */
export function hostGraph(container, { api, host, pick, report, ready }) {
  const view = graphView(container, {
    title: host, pick, report, ready,
    reset: () => draw(document.getElementById('show-platform').checked),
  });

  /** Fetches and draws the graph (platform devices too when asked); big hosts open collapsed. */
  async function draw(platform) {
    container.dataset.state = 'loading';
    const graph = await getJson(api + '/graph' + (platform ? '?platform=true' : ''));
    stamp(container, 'fetched');
    return view.show(graph);
  }

  return { ...view, draw,
    route: (a, b) => getJson(api + '/graph/route?a=' + encodeURIComponent(a) + '&b=' + encodeURIComponent(b)) };
}
