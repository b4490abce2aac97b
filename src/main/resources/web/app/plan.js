// The plan page (/plans/{id}): a what-if copy of a host drawn as the host page draws a host (the
// server's graph of the shown version, GET …/versions/{v}/graph, or of the unsaved edits, the
// preview's "graph", through graph-view.js), an edit panel, the list of edits, the verdict panel
// for two picked devices and the predicted rates of a flow pattern. Every edit is previewed by the
// server (POST …/preview); saved versions are read back (GET …/versions/{v}/…) and compared with
// the host (GET …/compare). The server computes every graph, verdict, pairing and rate; this
// module only asks and wires the page's parts (plan-edits.js, plan-panels.js, plan-delete.js).
// Runs only on pages that have #plan-page.
import { graphView } from './graph-view.js';
import { getJson, showError, sendJson, problemText, fillSelect } from './dom.js';
import { renderVerdict, clearVerdict } from './verdict.js';
import { renderDetails } from './details.js';
import { readToken, storeToken } from './token.js';
import { canon, clone, touched, deviceWords, fillEditLists, renderEdits, setupEditForms } from './plan-edits.js';
import { renderPrediction, renderComparison, comparisonCounts } from './plan-panels.js';
import { setupPlanDelete } from './plan-delete.js';
import { predictionChoice, predictionQuery, isOwnChoice, choiceWords, fillFlowEnds, setupFlows } from './plan-flows.js';

class RefusedEdit extends Error {}
/** The server refused what to predict (a custom flow or a capacity): a 400 that names it. */
class RefusedPrediction extends Error {}

async function main() {
  const page = document.getElementById('plan-page');
  if (!page) return;
  const api = page.dataset.api;
  const $ = (id) => document.getElementById(id);
  const container = $('fabric');
  const selA = $('sel-a');
  const selB = $('sel-b');
  const versionSel = $('version');
  const tokenField = $('plan-token');
  const stateLine = $('plan-state');
  const editError = $('edit-error');
  const predictionError = $('prediction-error');
  const saveStatus = $('save-status');
  tokenField.value = readToken();

  const S = {
    plan: await getJson(api),
    shown: 0, // the saved version the working edits started from
    edits: [], // the working edit list: the shown version's, plus unsaved ones
    report: null, // the edited report (details card, VFs drawn as their PF)
    graph: null, // the server's graph of the edited report, as drawn
    verdict: null, // the picked pair's verdict, as highlighted
    names: new Map(), // BDF → GPU0, NIC1 … as the graph names them
    drawn: null, // canon() of the edits whose graph is drawn
  };
  const versionOf = (v) => S.plan.versions.find((x) => x.version === v);
  const dirty = () => canon(S.edits) !== canon(versionOf(S.shown).edits);
  const wanted = Number(new URLSearchParams(window.location.search).get('version'));
  S.shown = versionOf(wanted) ? wanted : S.plan.latestVersion;
  S.edits = clone(versionOf(S.shown).edits);
  const run = (p) => p.catch(showError);

  // a click on a device, or Enter on it: A first, then B, then A again
  const pick = (bdf) => {
    if (![...selA.options].some((o) => o.value === bdf)) return;
    if (!selA.value || (selA.value && selB.value)) { selA.value = bdf; selB.value = ''; } else { selB.value = bdf; }
    run(update(S.edits));
  };
  // Reset draws the shown graph again, with its edit marks and the pair's path
  const reset = () => (S.graph ? view.show(S.graph).then(markEdits).then(() => showPair(S.verdict)) : Promise.resolve());
  const view = graphView(container, { title: S.plan.host + '-plan-' + S.plan.id, pick, report: () => S.report, reset });
  const cy = view.cy;
  window.fabricscope = { cy, state: S, svg: view.svg, png: view.png };

  function fillVersions() {
    fillSelect(versionSel, S.plan.versions.map((v) => [String(v.version), 'v' + v.version + ' · ' + v.edits.length + ' edit'
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
    const d = dirty();
    stateLine.className = 'plan-state' + (d ? ' dirty' : '');
    stateLine.textContent = d
      ? 'unsaved edits on version ' + S.shown
      : 'version ' + S.shown + (S.shown === S.plan.latestVersion ? ' (latest)' : '') + ', saved';
    page.dataset.version = String(S.shown);
    page.dataset.edits = String(S.edits.length);
    page.dataset.dirty = String(d);
    $('save').disabled = !d && S.shown === S.plan.latestVersion;
  }

  /** A 400 about what to predict is RefusedPrediction; any other failure an Error. */
  function failed(res, choice) {
    if (res.status === 400 && isOwnChoice(choice)) return new RefusedPrediction(problemText(res));
    return res.status === 422 ? new RefusedEdit(problemText(res)) : new Error(problemText(res));
  }

  /**
   * The edited report, its graph, its prediction (null when there is nothing to predict) and the
   * picked pair's verdict for an edit list: the saved version's answers when the list is that
   * version's, else a preview. A refused edit throws RefusedEdit, refused flows or capacities
   * RefusedPrediction, with the server's words.
   */
  async function compute(edits) {
    const a = selA.value;
    const b = selB.value;
    const pair = a && b && a !== b;
    const choice = predictionChoice();
    if (canon(edits) === canon(versionOf(S.shown).edits)) {
      const base = api + '/versions/' + S.shown;
      const predict = async () => {
        if (!choice) return null;
        const res = await sendJson('GET', base + '/prediction?' + predictionQuery(choice));
        if (!res.ok) throw failed(res, choice);
        return res.body;
      };
      const [topology, graph, prediction, verdict] = await Promise.all([
        getJson(base + '/topology'),
        getJson(base + '/graph'),
        predict(),
        pair ? getJson(base + '/paths?a=' + encodeURIComponent(a) + '&b=' + encodeURIComponent(b)) : null,
      ]);
      return { topology, graph, prediction, verdict };
    }
    const body = { edits, ...(choice || {}) };
    if (pair) Object.assign(body, { a, b });
    const res = await sendJson('POST', api + '/preview', body);
    if (!res.ok) throw failed(res, choice);
    return { ...res.body, prediction: choice ? res.body.prediction : null };
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
      if (err instanceof RefusedEdit || err instanceof RefusedPrediction) {
        const box = err instanceof RefusedEdit ? editError : predictionError;
        box.textContent = (err instanceof RefusedEdit ? 'Refused: ' : 'Not predicted: ') + err.message;
        box.hidden = false;
        page.dataset.refused = err instanceof RefusedEdit ? 'true' : 'prediction';
        return false;
      }
      throw err;
    }
    if (my !== seq) return false;
    editError.hidden = true;
    predictionError.hidden = true;
    delete page.dataset.refused;
    S.edits = edits;
    await render(r, () => my === seq);
    return true;
  }

  async function render({ topology, graph, prediction, verdict }, current) {
    S.report = topology;
    S.graph = graph;
    S.names = new Map(graph.nodes.filter((n) => n.name).map((n) => [n.id, n.name]));
    Object.assign(window.fabricscope, { report: topology, graph, prediction });
    const words = deviceWords(graph, topology);
    fillEditLists(graph, topology, words);
    fillFlowEnds(graph, topology, words);
    renderEdits(S.edits, versionOf(S.shown).edits.length, words, (i) => run(update(S.edits.filter((_, j) => j !== i))));
    renderPrediction(prediction, S.names);
    const key = canon(S.edits);
    if (S.drawn !== key) {
      S.drawn = key;
      await view.show(graph);
      if (!current()) return;
    }
    markEdits();
    await showPair(verdict);
    if (!current()) return;
    showState();
    page.dataset.state = 'ready';
  }

  /** Marks the nodes the edits name. */
  function markEdits() {
    cy.nodes().removeClass('edited');
    for (const e of S.edits) for (const id of touched(e)) cy.getElementById(id).addClass('edited');
  }

  async function showPair(verdict) {
    S.verdict = verdict;
    view.mark([selA.value, selB.value]);
    if (!verdict) {
      clearVerdict();
      delete container.dataset.pair;
      return;
    }
    await view.highlight(verdict);
    renderVerdict(verdict, S.names);
    container.dataset.pair = verdict.a + '|' + verdict.b;
  }

  async function compare() {
    const v = S.shown;
    // the flows the panel predicts; with an empty list of one's own, the default pattern
    const choice = predictionChoice() || { pattern: 'gpu-to-nic' };
    const c = await getJson(api + '/compare?version=' + v + '&' + predictionQuery(choice));
    renderComparison(c, { version: v, names: S.names,
      summary: () => 'Saved version ' + v + ' beside host ' + S.plan.host + ' (snapshot ' + S.plan.snapshotId + '), '
        + choiceWords(choice) + ': ' + comparisonCounts(c) + (dirty() ? ' Unsaved edits are not compared: save them first.' : '') });
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
      ? ' Saving needs an operator token.'
      // a 409 is a newer version saved meanwhile, unless the plan is at its version limit
      : res.status === 409 && !(res.body && res.body.title === 'Limit reached')
        ? ' Reload the page to see the newer version.' : '');
    saveStatus.hidden = false;
    if (res.status === 401 || res.status === 403) tokenField.focus();
  }

  setupEditForms((edit) => run(update([...S.edits, edit])));
  $('edits-reset').addEventListener('click', () => run(update(clone(versionOf(S.shown).edits))));
  versionSel.addEventListener('change', () => {
    S.shown = Number(versionSel.value);
    window.history.replaceState(null, '', S.shown === S.plan.latestVersion ? window.location.pathname : '?version=' + S.shown);
    run(update(clone(versionOf(S.shown).edits)));
  });
  for (const s of [selA, selB]) s.addEventListener('change', () => run(update(S.edits)));
  setupFlows(() => run(update(S.edits)));
  $('pair-clear').addEventListener('click', () => { selA.value = ''; selB.value = ''; run(update(S.edits)); });
  $('save').addEventListener('click', () => run(save()));
  $('compare').addEventListener('click', () => run(compare()));
  setupPlanDelete($('plan-delete'), { id: S.plan.id, name: S.plan.name, tokenField, status: saveStatus,
    deleted: () => window.location.assign('/plans') });
  cy.on('tap', 'node[type = "device"], node[type = "port"]', (evt) => renderDetails(S.report, evt.target.id(), S.names, evt.target.data('acs')));
  cy.on('tap', 'node[type = "device"]', (evt) => pick(evt.target.id()));

  fillVersions();
  await update(S.edits);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => main().catch(showError));
} else {
  main().catch(showError);
}
