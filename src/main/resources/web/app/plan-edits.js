// The plan page's edits: an edit list's identity, each edit in words, the list drawn with its
// Remove buttons, and the edit forms' choices (devices, slots, switches, ports, links). Every
// word about the fabric comes from the server's graph (GET …/graph or the preview's "graph": names,
// switch boxes, what hangs below what, ACS redirect, link labels) and the report's port types;
// nothing here works a structure out of the report.
import { el, fillSelect } from './dom.js';
import { gen } from './graph.js';

/** An edit list in a form that compares equal whatever the key order or number spelling. */
export function canon(edits) {
  return JSON.stringify(edits.map((e) => Object.keys(e).sort().map((k) => [k, e[k]])));
}

export const clone = (edits) => JSON.parse(JSON.stringify(edits));

/** The BDFs an edit names (marked on the graph). */
export function touched(e) {
  return [e.device, e.to, e.port, e.under, e.upstream].filter(Boolean);
}

/** The id of the upstream port of a switch box ({@code sw:BDF}, FabricGraph's id of it). */
const upstreamOf = (box) => box.id.slice(3);

/**
 * Words for any BDF of a plan: its node in the server's graph (name, BDF, device name; a port as
 * the graph labels it, a switch's upstream port as "switch"), else the report's device name (a
 * VF, drawn as its PF), else the bare BDF.
 */
export function deviceWords(graph, report) {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const fns = new Map(report.pci.map((f) => [f.bdf, f]));
  return (id) => {
    const n = nodes.get(id);
    if (n && n.type === 'port') return (n.parent === 'sw:' + id ? 'switch' : n.label[0]) + ' ' + id;
    if (n) return [n.name, id, n.title || n.label[1] || n.kind].filter(Boolean).join(' ');
    const f = fns.get(id);
    return f ? [id, f.deviceName || f.kind].filter(Boolean).join(' ') : id;
  };
}

/** One edit in words, naming devices with {@code words}. */
export function describeEdit(e, words) {
  const onOff = (v) => (v ? 'on' : 'off');
  switch (e.op) {
    case 'move': return 'Move ' + words(e.device) + ' to ' + words(e.to);
    case 'add-switch': return 'Add a ' + e.ports + '-port ' + gen(e.speedGTs) + ' x' + e.width + ' switch under ' + words(e.under);
    case 'remove-switch': return 'Remove the switch ' + e.upstream;
    case 'set-acs': return 'ACS redirect ' + onOff(e.redirect) + ' at ' + words(e.port);
    case 'set-iommu': return 'IOMMU ' + onOff(e.enabled);
    case 'set-link': return 'Link of ' + words(e.device) + ' to ' + gen(e.speedGTs) + ' x' + e.width;
    default: return JSON.stringify(e);
  }
}

/**
 * Fills the pair pickers and the edit forms' lists from the drawn graph: devices are its device
 * nodes, switches its switch boxes, what a port holds the nodes its edges lead to, a port's ACS
 * redirect its node's flag, a link its edge's label.
 */
export function fillEditLists(graph, report, words) {
  const $ = (id) => document.getElementById(id);
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const below = new Map();
  for (const e of graph.edges) {
    if (e.kind === 'nvlink') continue;
    if (!below.has(e.source)) below.set(e.source, []);
    below.get(e.source).push(e.target);
  }
  const holds = (id, what) => {
    const b = below.get(id) || [];
    return b.length ? what + ' ' + b.map(words).join(', ') : 'empty';
  };
  const devices = graph.nodes.filter((n) => n.type === 'device').map((n) => n.id);
  const switches = graph.nodes.filter((n) => n.type === 'switch').map(upstreamOf);
  // the slots a device moves into: root and switch downstream ports, as the report types them
  const slots = report.pci.filter((f) => (f.portType === 'root-port' || f.portType === 'switch-downstream') && nodes.has(f.bdf))
    .map((f) => f.bdf);
  // one entry per device (bus:device): a move takes all its functions
  const seen = new Set();
  const movable = devices.filter((bdf) => {
    const dev = bdf.slice(0, bdf.lastIndexOf('.'));
    if (seen.has(dev)) return false;
    seen.add(dev);
    return true;
  });
  const pairOptions = devices.map((bdf) => [bdf, words(bdf)]);
  fillSelect($('sel-a'), pairOptions, '—');
  fillSelect($('sel-b'), pairOptions, '—');
  fillSelect($('move-device'), [
    ...movable.map((bdf) => [bdf, words(bdf)]),
    ...switches.map((s) => [s, 'switch ' + s + ' with everything below it']),
  ]);
  fillSelect($('move-to'), [
    ...switches.map((s) => [s, 'switch ' + s + ': its first free downstream port']),
    ...slots.map((p) => [p, words(p) + ' (' + holds(p, 'holds') + ')']),
  ]);
  fillSelect($('acs-port'), slots.map((p) => [p, words(p) + ' (redirect now ' + (nodes.get(p).acsRedirect ? 'on' : 'off') + ')']));
  fillSelect($('link-device'), graph.edges.filter((e) => e.kind === 'pcie')
    .map((e) => [e.target, words(e.target) + ' (now ' + (e.label || 'link unknown') + ')']));
  fillSelect($('switch-under'), slots.map((p) => [p, words(p) + ' (' + holds(p, 'holds') + ')']));
  fillSelect($('switch-remove'), switches.map((s) => [s, 'switch ' + s + ' (' + holds(s, 'ports') + ')']));
}

/**
 * The edit list: each edit in words with a Remove button ({@code remove(i)}); edits from index
 * {@code saved} on are marked unsaved.
 */
export function renderEdits(edits, saved, words, remove) {
  const ol = document.getElementById('edits');
  ol.replaceChildren(...edits.map((e, i) => {
    const button = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove edit ' + (i + 1) }, 'Remove');
    button.addEventListener('click', () => remove(i));
    return el('li', { 'data-op': e.op, 'data-index': String(i), class: i >= saved ? 'unsaved' : null },
      el('span', { class: 'edit-text' }, describeEdit(e, words)), i >= saved ? el('span', { class: 'muted small' }, ' (unsaved)') : null, button);
  }));
  document.getElementById('edits-empty').hidden = edits.length > 0;
  document.getElementById('edits-count').textContent = edits.length ? '(' + edits.length + ')' : '';
}

/** The edit forms: each builds one edit from its fields; {@code add(edit)} previews the list with it. */
export function setupEditForms(add) {
  const $ = (id) => document.getElementById(id);
  const forms = {
    'edit-move': () => ({ op: 'move', device: $('move-device').value, to: $('move-to').value }),
    'edit-acs': () => ({ op: 'set-acs', port: $('acs-port').value, redirect: $('acs-redirect').value === 'true' }),
    'edit-link': () => ({ op: 'set-link', device: $('link-device').value, speedGTs: Number($('link-speed').value), width: Number($('link-width').value) }),
    'edit-iommu': () => ({ op: 'set-iommu', enabled: $('iommu-enabled').value === 'true' }),
    'edit-add-switch': () => ({ op: 'add-switch', under: $('switch-under').value, ports: Number($('switch-ports').value),
      speedGTs: Number($('switch-speed').value), width: Number($('switch-width').value) }),
    'edit-remove-switch': () => ({ op: 'remove-switch', upstream: $('switch-remove').value }),
  };
  for (const [id, build] of Object.entries(forms)) {
    $(id).addEventListener('submit', (e) => {
      e.preventDefault();
      add(build());
    });
  }
}
