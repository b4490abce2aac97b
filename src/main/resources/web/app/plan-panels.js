// The plan page's tables: the prediction (the planner's flows with their bottleneck, and the
// pairing) and the comparison of a saved version with the host it came from, as the server
// computed them (…/prediction or the preview's "prediction", GET …/compare).
import { el } from './dom.js';

/** A flow end as the planner labels it (a BDF, network:BDF[/PORT], memory:N) in words. */
export function endWords(s, names) {
  if (s.startsWith('network:')) return ['network via', names.get(s.slice(8).split('/')[0]), s.slice(8)].filter(Boolean).join(' ');
  if (s.startsWith('memory:')) return 'host memory, NUMA node ' + s.slice(7);
  return names.get(s) ? names.get(s) + ' ' + s : s;
}

const gbps = (v) => (v == null ? '—' : v.toFixed(2));

const source = (m) => (m.source === 'measured' ? 'measured, job ' + m.jobId : m.source);

/**
 * The host memory a prediction was computed with, in one line: "memory: X GB/s per node (measured,
 * job N | default | override)" when the nodes named have the same, else node by node (one node
 * alone is named: the others may have a capacity of their own); empty when no flow reaches host
 * memory and nothing was measured.
 */
export function memoryWords(capacities) {
  const m = (capacities && capacities.memory) || [];
  if (!m.length) return '';
  const same = m.length > 1 && m.every((n) => n.gbps === m[0].gbps && source(n) === source(m[0]));
  if (same) return 'memory: ' + gbps(m[0].gbps) + ' GB/s per node (' + source(m[0]) + ')';
  return 'memory: ' + m.map((n) => 'node ' + n.numaNode + ' ' + gbps(n.gbps) + ' GB/s (' + source(n) + ')').join(', ');
}

/** The flows and pairing tables of a prediction (null: a list of one's own not yet written). */
export function renderPrediction(p, names) {
  const tb = document.getElementById('flows').tBodies[0];
  const memory = document.getElementById('prediction-memory');
  memory.textContent = p ? memoryWords(p.capacities) : '';
  memory.hidden = !memory.textContent;
  if (!p) {
    tb.replaceChildren(el('tr', {}, el('td', { colspan: '4', class: 'muted' }, 'No flows in your list yet: add some above.')));
    document.getElementById('pairing').tBodies[0].replaceChildren();
    return;
  }
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
  const pt = document.getElementById('pairing').tBodies[0];
  pt.replaceChildren(...(p.pairing || []).map((g) => el('tr', { 'data-gpu': g.gpu },
    el('td', { class: 'mono' }, endWords(g.gpu, names)),
    el('td', { class: 'mono' }, g.nic ? (g.rdma ? g.rdma + ' ' : '') + g.nic + (g.port != null ? ' port ' + g.port : '') : '—'),
    el('td', { class: 'mono' }, g.nvme || '—'),
    el('td', {}, g.nvidia || '—'),
    el('td', {}, g.kernel || '—'),
    el('td', {}, g.pathClass || '—'))));
}

/**
 * The comparison panel (GET …/compare of version {@code version}): the pair verdicts that change
 * and every flow's rate on the host and in the plan, changed ones marked better or worse.
 */
export function renderComparison(c, { version, summary, names }) {
  const panel = document.getElementById('compare-panel');
  document.getElementById('compare-summary').textContent = summary(c);
  const pt = document.getElementById('compare-pairs').tBodies[0];
  pt.replaceChildren(...c.pairs.map((p) => el('tr', { 'data-a': p.a, 'data-b': p.b },
    el('td', { class: 'mono' }, endWords(p.a, names)), el('td', { class: 'mono' }, endWords(p.b, names)),
    el('td', { class: 'host-kernel' }, p.host.kernel || '—'), el('td', { class: 'plan-kernel' }, p.plan.kernel || '—'),
    el('td', {}, p.host.nvidia || '—'), el('td', {}, p.plan.nvidia || '—'))));
  if (!c.pairs.length) pt.append(el('tr', {}, el('td', { colspan: '6', class: 'muted' }, 'No verdict changes.')));
  if (c.changedPairs > c.pairs.length) {
    pt.append(el('tr', { class: 'more' }, el('td', { colspan: '6', class: 'muted' },
      'The first ' + c.pairs.length + ' of ' + c.changedPairs + ' changed pairs are listed.')));
  }
  const ft = document.getElementById('compare-flows').tBodies[0];
  ft.replaceChildren(...c.flows.map((f) => {
    const diff = f.hostGBps !== f.planGBps;
    const cls = !diff || f.hostGBps == null || f.planGBps == null ? '' : f.planGBps > f.hostGBps ? ' better' : ' worse';
    return el('tr', { 'data-source': f.source, 'data-target': f.target, class: diff ? 'changed' : null },
      el('td', { class: 'mono' }, endWords(f.source, names)), el('td', { class: 'mono' }, endWords(f.target, names)),
      el('td', { class: 'num host-gbps' }, gbps(f.hostGBps)), el('td', { class: 'num plan-gbps' + cls }, gbps(f.planGBps)));
  }));
  if (!c.flows.length) ft.append(el('tr', {}, el('td', { colspan: '4', class: 'muted' }, 'No flows of this pattern.')));
  panel.dataset.version = String(version);
  panel.hidden = false;
  panel.focus();
}

/** How many of a comparison's verdicts and flow rates differ, in words. */
export function comparisonCounts(c) {
  const changed = c.flows.filter((f) => f.hostGBps !== f.planGBps).length;
  return c.changedPairs + ' pair verdict' + (c.changedPairs === 1 ? '' : 's') + ' and ' + changed
    + ' flow rate' + (changed === 1 ? '' : 's') + ' differ.';
}
