// Collapsing a PCIe switch box of the fabric graph (host and plan pages): its ports and everything
// below them leave the drawing and the box stands for them ("switch · 12 below"); expanding puts
// them back. Big hosts open with every top-level switch collapsed (see COLLAPSE_OVER), folded in
// the element data before anything reaches cytoscape: adding a 1,000-endpoint tree and removing it
// again cost the page more than half a second of style work for elements never drawn. What a box
// hides is kept as element JSON either way, and added back when the box opens.

/** Hosts drawing more nodes than this open with their switches collapsed. */
export const COLLAPSE_OVER = 300;

const TREE = 'edge[kind != "nvlink"]';
/** The boxes that fold: PCIe switches and the platform devices of a root bus. */
const BOXES = ['switch', 'platform'];

/** The nodes a switch box stands for when collapsed: its ports and all below them. */
function below(cy, sw) {
  let out = cy.collection();
  let frontier = sw.children();
  while (frontier.nonempty()) {
    out = out.union(frontier);
    // a switch below this one: its box (a sibling in the NUMA box) goes with its ports
    const down = frontier.outgoers(TREE).targets();
    frontier = down.union(down.parent('[type = "switch"]')).union(frontier.children()).difference(out).difference(sw);
  }
  return out;
}

/**
 * The boxes in folding order: outermost first (by the PCIe depth of their shallowest member), so a
 * top switch folds its whole subtree and its label counts everything below it, whatever order the
 * elements came in. {@code edges} are the tree links as [source, target], {@code members(box)}
 * the ids inside a box.
 */
function outermostFirst(boxes, nodeIds, edges, members) {
  const into = new Set(edges.map(([, t]) => t));
  const down = new Map();
  for (const [s, t] of edges) (down.get(s) || down.set(s, []).get(s)).push(t);
  const depth = new Map();
  let level = nodeIds.filter((id) => !into.has(id));
  for (let d = 0; level.length; d++) {
    const next = [];
    for (const id of level) {
      if (depth.has(id)) continue;
      depth.set(id, d);
      next.push(...(down.get(id) || []));
    }
    level = next;
  }
  const boxDepth = (b) => Math.min(Infinity, ...members(b).map((id) => depth.get(id) ?? Infinity));
  return boxes.map((b, i) => [boxDepth(b), i, b]).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((x) => x[2]);
}

/** PCI functions among the node types: devices, NVSwitches and ports (not the boxes inside). */
const FUNCTIONS = ['device', 'nvswitch', 'port'];

/** A box's label and brief with what it hides (its data, cytoscape's or JSON's). */
const folded = (data, devices, functions) => ({
  label: data.label + '\n' + devices + ' devices · ' + functions + ' functions', brief: data.brief + ' +' + devices,
});
const intoEdge = (swId, source, label) => ({ group: 'edges', data: { id: 'into:' + swId, source, target: swId,
  label, brief: '', kind: 'pcie', shown: '', fs: 8 }, classes: 'into' });

/** Collapse state of one graph instance. */
export class Collapser {
  constructor(cy) {
    this.cy = cy;
    this.stash = new Map(); // box id → the element JSONs it hides
    this.owner = new Map(); // hidden node id → the collapsed box that holds it
    this.pending = []; // edge JSONs whose other end is still in a collapsed box
  }

  /** Forgets every collapsed box (the drawing was replaced). */
  reset() {
    this.stash.clear();
    this.owner.clear();
    this.pending = [];
  }

  isCollapsed(id) { return this.stash.has(id); }

  /** The data of every node a collapsed box hides (the search looks there too). */
  hiddenNodeData() {
    return [...this.stash.values()].flatMap((els) => els.filter((e) => e.group === 'nodes').map((e) => e.data));
  }

  /** The drawn node that stands for id: itself, or the collapsed switch it is hidden in. */
  drawn(id) {
    let cur = id;
    while (this.owner.has(cur)) cur = this.owner.get(cur);
    return cur;
  }

  collapse(sw) {
    if (!BOXES.includes(sw.data('type')) || this.stash.has(sw.id())) return false;
    const nodes = below(this.cy, sw);
    if (nodes.empty()) return false;
    // the link into the switch's upstream port is drawn into the box while it is collapsed
    const into = nodes.incomers(TREE).filter((e) => !nodes.contains(e.source()));
    const devices = nodes.filter('[type = "device"]').length;
    const functions = nodes.filter((n) => FUNCTIONS.includes(n.data('type'))).length;
    const removed = nodes.union(nodes.connectedEdges());
    const json = removed.jsons();
    removed.remove();
    for (const n of nodes) this.owner.set(n.id(), sw.id());
    this.stash.set(sw.id(), json);
    if (into.nonempty()) this.cy.add(intoEdge(sw.id(), into[0].source().id(), into[0].data('label')));
    sw.data(folded(sw.data(), devices, functions));
    sw.addClass('collapsed');
    return true;
  }

  expand(sw) {
    const hidden = this.stash.get(sw.id());
    if (!hidden) return false;
    this.cy.remove(this.cy.getElementById('into:' + sw.id()));
    this.stash.delete(sw.id());
    const nodes = hidden.filter((e) => e.group === 'nodes');
    for (const n of nodes) this.owner.delete(n.data.id);
    this.cy.add(nodes);
    // edges whose other end is still hidden elsewhere wait until that box opens
    const all = this.pending.concat(hidden.filter((e) => e.group === 'edges'));
    const drawn = (id) => this.cy.getElementById(id).nonempty();
    this.cy.add(all.filter((e) => drawn(e.data.source) && drawn(e.data.target)));
    this.pending = all.filter((e) => !(drawn(e.data.source) && drawn(e.data.target)));
    const lines = sw.data('label').split('\n');
    sw.data({ label: lines.slice(0, -1).join('\n'), brief: sw.data('brief').replace(/ \+\d+$/, '') });
    sw.removeClass('collapsed');
    return true;
  }

  /** Opens every box that hides one of ids (outermost first); true when any opened. */
  reveal(ids) {
    let any = false;
    for (const id of ids) {
      const chain = [];
      let cur = id;
      while (this.owner.has(cur)) { cur = this.owner.get(cur); chain.unshift(cur); }
      for (const s of chain) any = this.expand(this.cy.getElementById(s)) || any;
    }
    return any;
  }

  /** Collapses every switch and platform box not inside another switch box. */
  collapseAll() {
    let any = false;
    const boxes = outermostFirst(this.cy.nodes('[type = "switch"], [type = "platform"]').toArray(),
      this.cy.nodes().map((n) => n.id()), this.cy.edges(TREE).map((e) => [e.source().id(), e.target().id()]),
      (b) => b.children().map((c) => c.id()));
    for (const sw of boxes) {
      if (sw.inside() && !this.owner.has(sw.id())) any = this.collapse(sw) || any;
    }
    return any;
  }

  /**
   * What collapseAll() would leave drawn, computed on element JSON (serverElements) before any of
   * it is added to cytoscape: returns the elements to add and keeps the rest as this collapser's
   * hidden boxes, exactly as collapse() would have, box after box in the elements' order.
   */
  foldAll(elements) {
    const nodes = new Map();
    const kids = new Map();
    const edges = new Map(); // node id → the edges touching it
    const live = new Set(); // ids of nodes and edges still drawn
    const touch = (e) => {
      for (const end of [e.data.source, e.data.target]) {
        if (!edges.has(end)) edges.set(end, []);
        edges.get(end).push(e);
      }
      live.add(e.data.id);
    };
    const all = elements.map((e) => ({ ...e, data: { ...e.data } }));
    for (const e of all) {
      if (e.group === 'nodes') {
        nodes.set(e.data.id, e);
        live.add(e.data.id);
        const p = e.data.parent;
        if (p) (kids.get(p) || kids.set(p, []).get(p)).push(e.data.id);
      } else {
        touch(e);
      }
    }
    const liveEdges = (id) => (edges.get(id) || []).filter((e) => live.has(e.data.id));
    const isTree = (e) => e.data.kind !== 'nvlink';
    const belowData = (swId) => {
      const out = new Set();
      let frontier = (kids.get(swId) || []).filter((id) => live.has(id));
      while (frontier.length) {
        for (const id of frontier) out.add(id);
        const next = new Set();
        for (const id of frontier) {
          for (const e of liveEdges(id)) {
            if (!isTree(e) || e.data.source !== id) continue;
            const t = e.data.target;
            next.add(t);
            const p = nodes.get(t) && nodes.get(t).data.parent;
            if (p && live.has(p) && nodes.get(p).data.type === 'switch') next.add(p);
          }
          for (const c of kids.get(id) || []) if (live.has(c)) next.add(c);
        }
        frontier = [...next].filter((id) => !out.has(id) && id !== swId);
      }
      return out;
    };
    const added = [];
    const boxes = outermostFirst([...nodes.values()].filter((n) => BOXES.includes(n.data.type)), [...nodes.keys()],
      all.filter((e) => e.group === 'edges' && isTree(e)).map((e) => [e.data.source, e.data.target]),
      (b) => kids.get(b.data.id) || []);
    for (const sw of boxes) {
      const id = sw.data.id;
      if (!BOXES.includes(sw.data.type) || !live.has(id) || this.owner.has(id) || this.stash.has(id)) continue;
      const hidden = belowData(id);
      if (!hidden.size) continue;
      const into = [...hidden].flatMap(liveEdges)
        .filter((e) => isTree(e) && hidden.has(e.data.target) && !hidden.has(e.data.source));
      const gone = new Map();
      for (const n of hidden) {
        gone.set(n, nodes.get(n));
        for (const e of liveEdges(n)) gone.set(e.data.id, e);
      }
      for (const k of gone.keys()) live.delete(k);
      for (const n of hidden) this.owner.set(n, id);
      this.stash.set(id, [...gone.values()]);
      // one link drawn into the box, as collapse() draws it
      if (into.length) {
        const e = intoEdge(id, into[0].data.source, into[0].data.label);
        added.push(e);
        touch(e);
      }
      const types = [...hidden].map((n) => nodes.get(n).data.type);
      const functions = types.filter((t) => FUNCTIONS.includes(t)).length;
      Object.assign(sw.data, folded(sw.data, types.filter((t) => t === 'device').length, functions));
      sw.classes = ((sw.classes || '') + ' collapsed').trim();
    }
    return all.concat(added).filter((e) => live.has(e.data.id));
  }

  expandAll() {
    let any = false;
    while (this.stash.size) {
      for (const id of [...this.stash.keys()]) {
        const sw = this.cy.getElementById(id);
        if (sw.nonempty()) any = this.expand(sw) || any;
      }
    }
    return any;
  }
}
