// The plan page (/plans/{id}): a what-if copy of a host drawn as the host page draws a host, an
// edit panel, the list of edits, the verdict panel for two picked devices and the predicted rates of
// a flow pattern. Every edit is previewed by the server (POST …/preview); saved versions are read
// back (GET …/versions/{v}/…) and compared with the host (GET …/compare). The server computes
// every verdict, pairing and rate; this module only lists, asks and draws.
// Runs only on pages that have #plan-page.
import { elements, layoutFabric, fabricGraph, highlightPath, clearPath, isPort, isPlatform, acsRedirects, gen } from './graph.js';
import { el, getJson, showError, sendJson, problemText } from './dom.js';
import { renderVerdict, clearVerdict } from './verdict.js';
import { renderDetails } from './details.js';
import { readToken, storeToken } from './token.js';

const PORT_WORDS = {
  'root-port': 'root port', 'switch-upstream': 'switch', 'switch-downstream': 'downstream port', 'pci-bridge': 'PCI bridge',
};

/** An edit list in a form that compares equal whatever the key order or number spelling. */
function canon(edits) {
  return JSON.stringify(edits.map((e) => Object.keys(e).sort().map((k) => [k, e[k]])));
}

const clone = (edits) => JSON.parse(JSON.stringify(edits));
const isVf = (f) => !!(f.sriov && f.sriov.physfn);
const short = (bdf) => (bdf && bdf.startsWith('0000:') ? bdf.slice(5) : bdf);

function linkWords(l) {
  const c = l && l.current;
  if (!c || (c.speedGTs == null && c.width == null)) return 'link unknown';
  return (c.speedGTs != null ? gen(c.speedGTs) : 'Gen?') + ' x' + (c.width ?? '?');
}

/** What the report says of one function, for the lists: name, BDF, what it is. */
function describeFn(f, names) {
  if (!f) return '';
  if (isPort(f)) return (PORT_WORDS[f.portType] || 'bridge') + ' ' + f.bdf;
  return [names.get(f.bdf), f.bdf, f.deviceName || f.vendorName || f.kind].filter(Boolean).join(' ');
}

/** One edit in words, naming devices as the lists do. */
function describeEdit(e, byBdf, names) {
  const d = (bdf) => (byBdf.has(bdf) ? describeFn(byBdf.get(bdf), names) : bdf);
  const onOff = (v) => (v ? 'on' : 'off');
  switch (e.op) {
    case 'move': return 'Move ' + d(e.device) + ' to ' + d(e.to);
    case 'add-switch': return 'Add a ' + e.ports + '-port ' + gen(e.speedGTs) + ' x' + e.width + ' switch under ' + d(e.under);
    case 'remove-switch': return 'Remove the switch ' + e.upstream;
    case 'set-acs': return 'ACS redirect ' + onOff(e.redirect) + ' at ' + d(e.port);
    case 'set-iommu': return 'IOMMU ' + onOff(e.enabled);
    case 'set-link': return 'Link of ' + d(e.device) + ' to ' + gen(e.speedGTs) + ' x' + e.width;
    default: return JSON.stringify(e);
  }
}

/** The BDFs an edit names (marked on the graph). */
function touched(e) {
  return [e.device, e.to, e.port, e.under, e.upstream].filter(Boolean);
}

/** A flow end as the planner labels it (a BDF, network:BDF[/PORT], memory:N) in words. */
function endWords(s, names) {
  if (s.startsWith('network:')) return ['network via', names.get(s.slice(8).split('/')[0]), s.slice(8)].filter(Boolean).join(' ');
  if (s.startsWith('memory:')) return 'host memory, NUMA node ' + s.slice(7);
  return names.get(s) ? names.get(s) + ' ' + s : s;
}

const gbps = (v) => (v == null ? '—' : v.toFixed(2));

/** Replaces a select's options, keeping the chosen value when it is still there. */
function fill(select, options, placeholder) {
  const keep = select.value;
  const opts = placeholder ? [el('option', { value: '' }, placeholder)] : [];
  for (const [value, label] of options) opts.push(el('option', { value }, label));
  select.replaceChildren(...opts);
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}

class RefusedEdit extends Error {}

async function main() {
  const page = document.getElementById('plan-page');
  if (!page) return;
  const api = page.dataset.api;
  const $ = (id) => document.getElementById(id);
  const container = $('fabric');
  const selA = $('sel-a');
  const selB = $('sel-b');
  const versionSel = $('version');
  const patternSel = $('pattern');
  const tokenField = $('plan-token');
  const stateLine = $('plan-state');
  const editError = $('edit-error');
  const saveStatus = $('save-status');
  tokenField.value = readToken();

  const S = {
    plan: await getJson(api),
    shown: 0, // the saved version the working edits started from
    edits: [], // the working edit list: the shown version's, plus unsaved ones
    report: null,
    names: new Map(),
    drawn: null, // canon() of the edits whose report the graph shows
  };
  const versionOf = (v) => S.plan.versions.find((x) => x.version === v);
  const dirty = () => canon(S.edits) !== canon(versionOf(S.shown).edits);
  const wanted = Number(new URLSearchParams(window.location.search).get('version'));
  S.shown = versionOf(wanted) ? wanted : S.plan.latestVersion;
  S.edits = clone(versionOf(S.shown).edits);

  const cy = fabricGraph(container);
  window.fabricscope = { cy, state: S };

  function fillVersions() {
    fill(versionSel, S.plan.versions.map((v) => [String(v.version), 'v' + v.version + ' · ' + v.edits.length + ' edit'
      + (v.edits.length === 1 ? '' : 's') + (v.note ? ' · ' + v.note : '') + (v.version === S.plan.latestVersion ? ' (latest)' : '')]));
    versionSel.value = String(S.shown);
    $('version-count').textContent = String(S.plan.versions.length);
  }

  /** Busy while the server computes; the tests wait for 'ready'. */
  function busy() {
    page.dataset.state = 'busy';
    stateLine.className = 'plan-state busy';
    stateLine.textContent = 'Computing…';
  }

  function showState() {
    const n = S.edits.length - versionOf(S.shown).edits.length;
    const d = dirty();
    stateLine.className = 'plan-state' + (d ? ' dirty' : '');
    stateLine.textContent = d
      ? 'unsaved edits on version ' + S.shown
      : 'version ' + S.shown + (S.shown === S.plan.latestVersion ? ' (latest)' : '') + ', saved';
    page.dataset.version = String(S.shown);
    page.dataset.edits = String(S.edits.length);
    page.dataset.dirty = String(d);
    $('save').disabled = !d && S.shown === S.plan.latestVersion;
    return n;
  }

  /**
   * The edited report, its prediction and the picked pair's verdict for an edit list: the saved
   * version's answers when the list is that version's, else a preview. A refused edit throws
   * RefusedEdit with the server's words.
   */
  async function compute(edits) {
    const a = selA.value;
    const b = selB.value;
    const pair = a && b && a !== b;
    const pattern = patternSel.value;
    if (canon(edits) === canon(versionOf(S.shown).edits)) {
      const base = api + '/versions/' + S.shown;
      const [topology, prediction, verdict] = await Promise.all([
        getJson(base + '/topology'),
        getJson(base + '/prediction?pattern=' + encodeURIComponent(pattern)),
        pair ? getJson(base + '/paths?a=' + encodeURIComponent(a) + '&b=' + encodeURIComponent(b)) : null,
      ]);
      return { topology, prediction, verdict };
    }
    const body = { edits, pattern };
    if (pair) Object.assign(body, { a, b });
    const res = await sendJson('POST', api + '/preview', body);
    if (res.status === 422) throw new RefusedEdit(problemText(res));
    if (!res.ok) throw new Error(problemText(res));
    return res.body;
  }

  let seq = 0;
  /** Computes {@code edits}; on success they become the working list and everything is redrawn. */
  async function update(edits) {
    const my = ++seq;
    busy();
    let r;
    try {
      r = await compute(edits);
    } catch (err) {
      if (my !== seq) return false;
      showState();
      page.dataset.state = 'ready';
      if (err instanceof RefusedEdit) {
        editError.textContent = 'Refused: ' + err.message;
        editError.hidden = false;
        page.dataset.refused = 'true';
        return false;
      }
      throw err;
    }
    if (my !== seq) return false;
    editError.hidden = true;
    delete page.dataset.refused;
    S.edits = edits;
    render(r);
    return true;
  }

  function render({ topology, prediction, verdict }) {
    S.report = topology;
    window.fabricscope.report = topology;
    window.fabricscope.prediction = prediction;
    // GPU names as CUDA numbers them, NICs by their RDMA device: the server's pairing says both
    const names = new Map();
    for (const p of prediction.pairing || []) {
      if (p.cudaIndex != null) names.set(p.gpu, 'GPU' + p.cudaIndex);
      if (p.nic && p.rdma) names.set(p.nic, p.rdma);
    }
    S.names = names;
    const byBdf = new Map(topology.pci.map((f) => [f.bdf, f]));
    fillLists(topology, byBdf, names);
    renderEdits(byBdf, names);
    renderPrediction(prediction, names);
    const key = canon(S.edits);
    const mark = () => {
      cy.nodes().removeClass('edited');
      for (const e of S.edits) for (const id of touched(e)) cy.getElementById(id).addClass('edited');
      showPair(verdict);
      showState();
      page.dataset.state = 'ready';
    };
    if (S.drawn !== key) {
      S.drawn = key;
      container.dataset.state = 'loading';
      cy.elements().remove();
      cy.add(elements(topology, names, { platform: false }));
      layoutFabric(cy, container, () => {
        container.dataset.state = 'ready';
        mark();
      });
    } else {
      mark();
    }
  }

  function showPair(verdict) {
    clearPath(cy);
    for (const v of [selA.value, selB.value]) if (v) cy.getElementById(v).addClass('picked');
    if (!verdict) {
      clearVerdict();
      delete container.dataset.pair;
      return;
    }
    highlightPath(cy, S.report, verdict);
    renderVerdict(verdict, S.names);
    container.dataset.pair = verdict.a + '|' + verdict.b;
  }

  function fillLists(report, byBdf, names) {
    const fns = report.pci.filter((f) => !isVf(f));
    const ports = fns.filter((f) => f.portType === 'root-port' || f.portType === 'switch-downstream');
    const switches = fns.filter((f) => f.portType === 'switch-upstream');
    const holds = (p) => {
      const below = fns.filter((c) => c.parent === p.bdf);
      return below.length ? 'holds ' + below.map((c) => describeFn(c, names)).join(', ') : 'empty';
    };
    const endpoints = fns.filter((f) => !isPort(f) && !isPlatform(f));
    // one entry per device (bus:device): a move takes all its functions
    const seen = new Set();
    const devices = endpoints.filter((f) => {
      const dev = f.bdf.slice(0, f.bdf.lastIndexOf('.'));
      if (seen.has(dev)) return false;
      seen.add(dev);
      return true;
    });
    const pairOptions = endpoints.map((f) => [f.bdf, describeFn(f, names)]);
    fill(selA, pairOptions, '—');
    fill(selB, pairOptions, '—');
    fill($('move-device'), [
      ...devices.map((f) => [f.bdf, describeFn(f, names)]),
      ...switches.map((s) => [s.bdf, 'switch ' + s.bdf + ' with everything below it']),
    ]);
    fill($('move-to'), [
      ...switches.map((s) => [s.bdf, 'switch ' + s.bdf + ': its first free downstream port']),
      ...ports.map((p) => [p.bdf, describeFn(p, names) + ' (' + holds(p) + ')']),
    ]);
    fill($('acs-port'), ports.map((p) => [p.bdf, describeFn(p, names) + ' (redirect now ' + (acsRedirects(p.acs) ? 'on' : 'off') + ')']));
    fill($('link-device'), fns.filter((f) => f.parent && byBdf.has(f.parent) && f.portType !== 'switch-downstream')
      .map((f) => [f.bdf, describeFn(f, names) + ' (now ' + linkWords(f.link) + ')']));
    fill($('switch-under'), ports.map((p) => [p.bdf, describeFn(p, names) + ' (' + holds(p) + ')']));
    fill($('switch-remove'), switches.map((s) => [s.bdf, 'switch ' + s.bdf + ' (' + holds(s).replace('holds ', 'ports ') + ')']));
  }

  function renderEdits(byBdf, names) {
    const ol = $('edits');
    const saved = versionOf(S.shown).edits.length;
    ol.replaceChildren(...S.edits.map((e, i) => {
      const remove = el('button', { type: 'button', class: 'secondary', 'aria-label': 'Remove edit ' + (i + 1) }, 'Remove');
      remove.addEventListener('click', () => {
        run(update(S.edits.filter((_, j) => j !== i)));
      });
      return el('li', { 'data-op': e.op, 'data-index': String(i), class: i >= saved ? 'unsaved' : null },
        el('span', { class: 'edit-text' }, describeEdit(e, byBdf, names)), i >= saved ? el('span', { class: 'muted small' }, ' (unsaved)') : null, remove);
    }));
    $('edits-empty').hidden = S.edits.length > 0;
    $('edits-count').textContent = S.edits.length ? '(' + S.edits.length + ')' : '';
  }

  function renderPrediction(p, names) {
    const tb = $('flows').tBodies[0];
    tb.replaceChildren(...p.flows.map((f) => {
      const b = f.bottleneck;
      return el('tr', { 'data-source': f.source, 'data-target': f.target },
        el('td', { class: 'mono' }, endWords(f.source, names)),
        el('td', { class: 'mono' }, endWords(f.target, names)),
        el('td', { class: 'num gbps' }, gbps(f.predictedGBps)),
        el('td', { class: 'small' }, b
          ? b.kind + ' ' + (b.upstream || '?') + ' → ' + (b.downstream || '?') + ' (' + b.direction + '): '
            + gbps(b.capacityGBps) + ' GB/s shared by ' + b.flows + ' flow' + (b.flows === 1 ? '' : 's')
          : 'no link of known capacity'));
    }));
    if (!p.flows.length) tb.append(el('tr', {}, el('td', { colspan: '4', class: 'muted' }, 'No flows of this pattern on this host.')));
    const pt = $('pairing').tBodies[0];
    pt.replaceChildren(...(p.pairing || []).map((g) => el('tr', { 'data-gpu': g.gpu },
      el('td', { class: 'mono' }, endWords(g.gpu, names)),
      el('td', { class: 'mono' }, g.nic ? (g.rdma ? g.rdma + ' ' : '') + g.nic + (g.port != null ? ' port ' + g.port : '') : '—'),
      el('td', { class: 'mono' }, g.nvme || '—'),
      el('td', {}, g.nvidia || '—'),
      el('td', {}, g.kernel || '—'),
      el('td', {}, g.pathClass || '—'))));
  }

  async function compare() {
    const v = S.shown;
    const c = await getJson(api + '/compare?version=' + v + '&pattern=' + encodeURIComponent(patternSel.value));
    const names = S.names;
    const panel = $('compare-panel');
    const changed = c.flows.filter((f) => f.hostGBps !== f.planGBps);
    $('compare-summary').textContent = 'Saved version ' + v + ' beside host ' + S.plan.host + ' (snapshot ' + S.plan.snapshotId + '), pattern '
      + patternSel.value + ': ' + c.pairs.length + ' pair verdict' + (c.pairs.length === 1 ? '' : 's') + ' and ' + changed.length
      + ' flow rate' + (changed.length === 1 ? '' : 's') + ' differ.' + (dirty() ? ' Unsaved edits are not compared: save them first.' : '');
    const pt = $('compare-pairs').tBodies[0];
    pt.replaceChildren(...c.pairs.map((p) => el('tr', { 'data-a': p.a, 'data-b': p.b },
      el('td', { class: 'mono' }, endWords(p.a, names)), el('td', { class: 'mono' }, endWords(p.b, names)),
      el('td', { class: 'host-kernel' }, p.host.kernel || '—'), el('td', { class: 'plan-kernel' }, p.plan.kernel || '—'),
      el('td', {}, p.host.nvidia || '—'), el('td', {}, p.plan.nvidia || '—'))));
    if (!c.pairs.length) pt.append(el('tr', {}, el('td', { colspan: '6', class: 'muted' }, 'No verdict changes.')));
    const ft = $('compare-flows').tBodies[0];
    ft.replaceChildren(...c.flows.map((f) => {
      const diff = f.hostGBps !== f.planGBps;
      const cls = !diff || f.hostGBps == null || f.planGBps == null ? '' : f.planGBps > f.hostGBps ? ' better' : ' worse';
      return el('tr', { 'data-source': f.source, 'data-target': f.target, class: diff ? 'changed' : null },
        el('td', { class: 'mono' }, endWords(f.source, names)), el('td', { class: 'mono' }, endWords(f.target, names)),
        el('td', { class: 'num host-gbps' }, gbps(f.hostGBps)), el('td', { class: 'num plan-gbps' + cls }, gbps(f.planGBps)));
    }));
    if (!c.flows.length) ft.append(el('tr', {}, el('td', { colspan: '4', class: 'muted' }, 'No flows of this pattern.')));
    panel.dataset.version = String(v);
    panel.hidden = false;
    panel.focus();
  }

  async function save() {
    const token = tokenField.value.trim();
    storeToken(token);
    const note = $('save-note').value.trim();
    const body = { basedOn: S.plan.latestVersion, edits: S.edits };
    if (note) body.note = note;
    $('save').disabled = true;
    saveStatus.hidden = true;
    const res = await sendJson('POST', api + '/versions', body, token);
    if (res.status === 201 && res.body) {
      S.plan = await getJson(api);
      S.shown = res.body.version;
      $('save-note').value = '';
      fillVersions();
      window.history.replaceState(null, '', window.location.pathname);
      saveStatus.className = 'ok';
      saveStatus.textContent = 'Saved as version ' + res.body.version + '.';
      saveStatus.dataset.version = String(res.body.version);
      saveStatus.hidden = false;
      await update(S.edits);
      return;
    }
    showState();
    saveStatus.className = 'error';
    saveStatus.textContent = 'Not saved: ' + problemText(res) + (res.status === 401 || res.status === 403
      ? ' Saving needs an operator token.' : res.status === 409 ? ' Reload the page to see the newer version.' : '');
    saveStatus.hidden = false;
    if (res.status === 401 || res.status === 403) tokenField.focus();
  }

  const run = (p) => p.catch(showError);

  // the edit forms: each builds one edit and previews the list with it at the end
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
      run(update([...S.edits, build()]));
    });
  }
  $('edits-reset').addEventListener('click', () => run(update(clone(versionOf(S.shown).edits))));
  versionSel.addEventListener('change', () => {
    S.shown = Number(versionSel.value);
    window.history.replaceState(null, '', S.shown === S.plan.latestVersion ? window.location.pathname : '?version=' + S.shown);
    run(update(clone(versionOf(S.shown).edits)));
  });
  for (const s of [selA, selB, patternSel]) s.addEventListener('change', () => run(update(S.edits)));
  $('pair-clear').addEventListener('click', () => { selA.value = ''; selB.value = ''; run(update(S.edits)); });
  $('save').addEventListener('click', () => run(save()));
  $('compare').addEventListener('click', () => run(compare()));
  cy.on('tap', 'node[type = "device"], node[type = "port"]', (evt) => renderDetails(S.report, evt.target.id(), S.names));
  cy.on('tap', 'node[type = "device"]', (evt) => {
    const bdf = evt.target.id();
    if (![...selA.options].some((o) => o.value === bdf)) return;
    if (!selA.value || (selA.value && selB.value)) { selA.value = bdf; selB.value = ''; } else { selB.value = bdf; }
    run(update(S.edits));
  });

  fillVersions();
  await update(S.edits);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => main().catch(showError));
} else {
  main().catch(showError);
}
