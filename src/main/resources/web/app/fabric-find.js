// Finding a device on the fabric graph (host and plan pages): the search box (BDF, short BDF, name
// such as GPU3, device name, driver, RDMA device such as mlx5_0, interface, NVMe controller, GPU
// UUID: the node's keys from the server) centres and marks the match; Enter in the box goes to the
// next one. Keyboard on the focused graph: the arrow keys move along the drawn edges, Enter picks A
// then B, Escape clears the marks.

const DIRS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };

/** Nodes matching a query, best first: exact name, BDF or key, then a prefix, then a substring. */
export function findNodes(cy, collapser, query, hidden) {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const scored = [];
  const consider = (d) => {
    const short = d.id.startsWith('0000:') ? d.id.slice(5) : d.id;
    const exact = [d.id, short, d.name, ...(d.keys || [])].filter(Boolean).map((x) => x.toLowerCase());
    const text = [d.label, d.title, ...exact].join(' ').toLowerCase();
    const score = exact.includes(q) ? 0 : exact.some((x) => x.startsWith(q)) ? 1 : text.includes(q) ? 2 : -1;
    if (score >= 0) scored.push([score, d.id]);
  };
  cy.nodes('[type = "device"], [type = "port"], [type = "nvswitch"]').forEach((n) => consider(n.data()));
  // nodes inside collapsed switch boxes are found too; showing one opens its box
  for (const d of hidden()) consider(d);
  scored.sort((a, b) => a[0] - b[0]);
  return [...new Set(scored.map(([, id]) => id))];
}

/**
 * Wires the search box and the graph's keyboard. {@code show(id)} opens what hides the node and
 * resolves to it; {@code pick(id)} does what a click on a device does.
 */
export function setupFind(cy, container, collapser, { show, pick }) {
  const box = document.getElementById('graph-search');
  const status = document.getElementById('graph-search-status');
  const hidden = () => collapser.hiddenNodeData();
  let matches = [];
  let at = -1;
  let cursor = null;

  async function focusNode(id, mark) {
    const n = await show(id);
    if (!n || n.empty()) return null;
    cy.nodes('.cursor').removeClass('cursor');
    if (mark) { cy.nodes('.found').removeClass('found'); n.addClass('found'); }
    n.addClass('cursor');
    cursor = n.id();
    container.dataset.cursor = cursor;
    const z = Math.max(cy.zoom(), Math.min(cy.maxZoom(), 1.2));
    cy.zoom(z);
    cy.center(n);
    return n;
  }

  async function search(next) {
    const q = box.value;
    if (!next || !matches.length) { matches = findNodes(cy, collapser, q, hidden); at = -1; }
    if (!matches.length) {
      status.textContent = q.trim() ? 'no device matches' : '';
      delete container.dataset.found;
      cy.nodes('.found').removeClass('found');
      return;
    }
    at = (at + 1) % matches.length;
    const n = await focusNode(matches[at], true);
    status.textContent = (at + 1) + ' of ' + matches.length + (matches.length > 1 ? ' (Enter: next)' : '');
    if (n) container.dataset.found = n.id();
  }
  box.addEventListener('input', () => { matches = []; });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); search(true); }
  });
  document.getElementById('graph-find').addEventListener('submit', (e) => { e.preventDefault(); search(true); });

  container.addEventListener('focus', () => {
    if (cursor && cy.getElementById(cursor).nonempty()) return;
    // named devices first (GPU0, GPU1 … as the Matrix tab orders them), then by BDF
    const rank = (n) => (n.data('name') ? 0 : 1);
    const first = cy.nodes('[type = "device"]').sort((a, b) => rank(a) - rank(b)
      || a.data('name').localeCompare(b.data('name'), 'en', { numeric: true }) || a.id().localeCompare(b.id()))[0];
    if (first) focusNode(first.id(), false);
  });
  container.addEventListener('keydown', (e) => {
    const cur = cursor && cy.getElementById(cursor);
    if (DIRS[e.key] && cur && cur.nonempty()) {
      e.preventDefault();
      const next = step(cy, cur, DIRS[e.key]);
      if (next) focusNode(next.id(), false);
    } else if ((e.key === 'Enter' || e.key === ' ') && cur && cur.nonempty()) {
      e.preventDefault();
      pick(cur.id());
    } else if (e.key === 'Escape') {
      cy.nodes('.found, .cursor').removeClass('found cursor');
    }
  });
}

/**
 * The node one arrow key moves to: among the nodes the cursor shares an edge with (PCIe or
 * NVLink), the one best in the key's direction; failing that, the nearest node that way.
 */
function step(cy, from, [dx, dy]) {
  const p = from.position();
  const best = (nodes) => {
    let pick = null;
    let score = -Infinity;
    nodes.forEach((n) => {
      const q = n.position();
      const vx = q.x - p.x;
      const vy = q.y - p.y;
      const len = Math.hypot(vx, vy) || 1;
      const cos = (vx * dx + vy * dy) / len;
      if (cos < 0.35) return;
      const s = cos * 1000 - len;
      if (s > score) { score = s; pick = n; }
    });
    return pick;
  };
  const leaves = 'node[type != "switch"][type != "numa"]';
  return best(from.neighborhood(leaves).nodes()) || best(cy.nodes(leaves).not(from));
}
