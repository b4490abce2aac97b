// Collapsing a PCIe switch box of the fabric graph (host and plan pages): its ports and everything
// below them leave the drawing and the box stands for them ("switch · 12 below"); expanding puts
// them back. Big hosts open with every top-level switch collapsed (see COLLAPSE_OVER).

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

/** Collapse state of one graph instance. */
export class Collapser {
  constructor(cy) {
    this.cy = cy;
    this.stash = new Map(); // switch id → removed elements
    this.owner = new Map(); // hidden node id → the collapsed switch that holds it
    this.pending = cy.collection(); // edges whose other end is still in a collapsed box
  }

  /** Forgets every collapsed box (the drawing was replaced). */
  reset() {
    this.stash.clear();
    this.owner.clear();
    this.pending = this.cy.collection();
  }

  isCollapsed(id) { return this.stash.has(id); }

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
    const removed = nodes.union(nodes.connectedEdges()).remove();
    for (const n of nodes) this.owner.set(n.id(), sw.id());
    this.stash.set(sw.id(), removed);
    into.forEach((e) => this.cy.add({ group: 'edges', data: { id: 'into:' + sw.id(), source: e.source().id(),
      target: sw.id(), label: e.data('label'), brief: '', kind: 'pcie', shown: '', fs: 8 }, classes: 'into' }));
    sw.data({ label: sw.data('label') + '\n' + devices + ' devices · ' + nodes.length + ' functions', brief: sw.data('brief') + ' +' + devices });
    sw.addClass('collapsed');
    return true;
  }

  expand(sw) {
    const removed = this.stash.get(sw.id());
    if (!removed) return false;
    this.cy.remove(this.cy.getElementById('into:' + sw.id()));
    this.stash.delete(sw.id());
    for (const n of removed.nodes()) this.owner.delete(n.id());
    // edges whose other end is still hidden elsewhere wait until that box opens
    removed.nodes().restore();
    const all = this.pending.union(removed.edges());
    const ready = all.filter((e) => this.cy.getElementById(e.data('source')).nonempty()
      && this.cy.getElementById(e.data('target')).nonempty());
    ready.restore();
    this.pending = all.difference(ready);
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
    this.cy.nodes('[type = "switch"], [type = "platform"]').forEach((sw) => {
      if (sw.inside() && !this.owner.has(sw.id())) any = this.collapse(sw) || any;
    });
    return any;
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
