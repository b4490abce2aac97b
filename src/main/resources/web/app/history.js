// The history page: a host's snapshots, two chosen ones compared, the structural diff drawn on the
// host graph (added green, removed red from the older snapshot, changed orange) and listed.
// Runs only on pages that have #history-page.
import cytoscape from 'cytoscape';
import { STYLE, layoutFabric } from './graph.js';
import { serverElements } from './fabric-elements.js';
import { el, getJson, showError } from './dom.js';
import { changeClass, describe, isPci } from './changes.js';

const DIFF_STYLE = [
  { selector: 'node.d-added', style: { 'background-color': '#b2f2bb', 'border-width': 4, 'border-color': '#2f9e44' } },
  { selector: 'node.d-removed', style: { 'background-color': '#ffc9c9', 'border-width': 4, 'border-color': '#c92a2a', 'border-style': 'dashed' } },
  { selector: 'node.d-changed', style: { 'background-color': '#ffd8a8', 'border-width': 5, 'border-color': '#e67700' } },
  { selector: 'edge.d-changed', style: { 'line-color': '#e67700', 'width': 4, 'color': '#8a4b00' } },
  { selector: 'edge.d-added', style: { 'line-color': '#2f9e44', 'width': 3 } },
  { selector: 'edge.d-removed', style: { 'line-color': '#c92a2a', 'line-style': 'dashed', 'width': 3 } },
];

/**
 * The newer snapshot's graph plus the older one's removed functions, classed by change; graphs as
 * the server draws them (GET …/graph?snapshot=ID), {@code toAll} and {@code fromAll} with the
 * platform devices.
 */
function diffElements(fromAll, to, toAll, changes) {
  const byDevice = new Map();
  for (const c of changes.filter(isPci)) {
    if (!byDevice.has(c.device)) byDevice.set(c.device, []);
    byDevice.get(c.device).push(c);
  }
  let els = serverElements(to);
  const ids = () => new Set(els.filter((e) => !e.data.source).map((e) => e.data.id));
  let have = ids();
  const removed = new Set(changes.filter((c) => c.kind === 'FUNCTION_REMOVED').map((c) => c.device));
  // a change to a platform device: draw them all
  if ([...byDevice.keys()].some((d) => !removed.has(d) && !have.has(d))) {
    els = serverElements(toAll);
    have = ids();
  }
  const old = serverElements(fromAll);
  const oldNodes = old.filter((e) => !e.data.source && removed.has(e.data.id));
  for (const n of oldNodes) {
    const copy = { data: { ...n.data }, classes: (n.classes || '') + ' d-removed' };
    if (copy.data.parent && !have.has(copy.data.parent) && !removed.has(copy.data.parent)) delete copy.data.parent;
    els.push(copy);
  }
  const all = new Set([...have, ...removed]);
  for (const e of old.filter((x) => x.data.source && removed.has(x.data.target))) {
    if (all.has(e.data.source)) els.push({ data: { ...e.data, id: 'old:' + e.data.id }, classes: 'd-removed' });
  }
  for (const e of els) {
    if (e.data.source) {
      if (byDevice.get(e.data.target)?.some((c) => c.kind === 'FUNCTION_ADDED')) e.classes = (e.classes || '') + ' d-added';
      continue;
    }
    const cs = byDevice.get(e.data.id);
    if (!cs || removed.has(e.data.id)) continue;
    const cls = cs.some((c) => c.kind === 'FUNCTION_ADDED') ? 'd-added' : 'd-changed';
    e.classes = (e.classes || '') + ' ' + cls;
    e.data.changes = cs.map(describe).join('\n');
  }
  // A changed link is drawn on the edge into the function too.
  for (const e of els) {
    if (e.data.source && byDevice.get(e.data.target)?.some((c) => c.kind === 'LINK_CHANGED')) {
      e.classes = (e.classes || '') + ' d-changed';
    }
  }
  return els;
}

function renderChanges(diff, fromId, toId) {
  const ul = document.getElementById('changes');
  ul.replaceChildren();
  for (const c of diff.changes) {
    ul.append(el('li', { class: 'c-' + changeClass(c), 'data-kind': c.kind, 'data-device': c.device },
      el('span', { class: 'kind' }, c.kind), describe(c)));
  }
  const summary = document.getElementById('changes-summary');
  summary.textContent = fromId === toId
    ? 'The same snapshot on both sides: nothing to compare.'
    : diff.changes.length + ' change' + (diff.changes.length === 1 ? '' : 's')
      + ' from snapshot ' + fromId + ' to snapshot ' + toId + '.';
}

async function main() {
  const page = document.getElementById('history-page');
  if (!page) return;
  const api = page.dataset.api;
  const container = document.getElementById('fabric');
  const cy = cytoscape({
    container, elements: [], style: STYLE.concat(DIFF_STYLE),
    minZoom: 0.1, maxZoom: 3, boxSelectionEnabled: false, autoungrabify: true,
  });
  window.fabricscope = { cy };
  const checked = (name) => {
    const r = document.querySelector('input[name="' + name + '"]:checked');
    return r ? Number(r.value) : null;
  };
  let seq = 0;
  async function load() {
    const fromId = checked('from');
    const toId = checked('to');
    for (const tr of document.querySelectorAll('#timeline tr[data-snapshot]')) {
      tr.classList.toggle('sel-from', Number(tr.dataset.snapshot) === fromId);
      tr.classList.toggle('sel-to', Number(tr.dataset.snapshot) === toId);
    }
    if (fromId == null || toId == null) {
      document.getElementById('changes-summary').textContent = 'This host has no snapshot.';
      container.dataset.state = 'ready';
      return;
    }
    const my = ++seq;
    container.dataset.state = 'loading';
    const graph = (id, platform) => getJson(api + '/graph?snapshot=' + id + (platform ? '&platform=true' : ''));
    const [diff, fromAll, to, toAll] = await Promise.all([
      getJson(api + '/diff?from=' + fromId + '&to=' + toId), graph(fromId, true), graph(toId, false), graph(toId, true),
    ]);
    if (my !== seq) return;
    renderChanges(diff, fromId, toId);
    cy.elements().remove();
    cy.add(diffElements(fromAll, to, toAll, diff.changes));
    layoutFabric(cy, container, () => {
      container.dataset.diff = fromId + '..' + toId;
      container.dataset.state = 'ready';
    });
  }
  const run = () => load().catch(showError);
  for (const r of document.querySelectorAll('#timeline input[type="radio"]')) r.addEventListener('change', run);
  // A changed node's tooltip-like title: its changes, listed under the change list on tap.
  cy.on('tap', 'node', (evt) => {
    const id = evt.target.id();
    for (const li of document.querySelectorAll('#changes li')) li.classList.toggle('focus', li.dataset.device === id);
  });
  // Live: say when a newer snapshot arrives (the timeline is rendered by the server).
  const es = new EventSource('/api/v1/host-events/' + encodeURIComponent(page.dataset.host));
  es.onmessage = (e) => {
    const ev = JSON.parse(e.data);
    if (ev.type === 'hello') { page.dataset.live = 'open'; return; }
    if (ev.type !== 'snapshot' || document.querySelector('tr[data-snapshot="' + ev.snapshotId + '"]')) return;
    let banner = document.getElementById('live-banner');
    if (!banner) {
      banner = el('div', { id: 'live-banner', class: 'live-banner', role: 'status' });
      document.querySelector('#history-page h1').after(banner);
    }
    banner.replaceChildren(el('div', {}, el('strong', {}, 'New snapshot ' + ev.snapshotId + ' arrived. '),
      el('a', { href: location.pathname }, 'Reload'), ' to compare it.'));
    banner.dataset.snapshot = String(ev.snapshotId);
  };
  window.addEventListener('pagehide', () => es.close());
  await load();
}

if (document.getElementById('history-page')) {
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', () => main().catch(showError));
  } else {
    main().catch(showError);
  }
}
