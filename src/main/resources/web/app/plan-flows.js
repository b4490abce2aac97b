// The plan page's choice of what to predict: a pattern, or a list of the operator's own concurrent
// flows (SRC>DST lines, with pickers that add one), and the capacity overrides (inter-socket and
// host memory GB/s). Sent as …/prediction and …/compare take them (pattern or flow=…, and
// interSocketGBps, memoryGBps) or in the preview's body (pattern or flows, and the same numbers);
// the server checks and predicts them all.
import { fillSelect } from './dom.js';

const $ = (id) => document.getElementById(id);

/** The flow lines of the custom list, blank lines left out. */
function customFlows() {
  return $('custom-flows').value.split('\n').map((l) => l.trim()).filter(Boolean);
}

function capacity(id) {
  const v = $(id).value.trim();
  return v === '' ? undefined : Number(v);
}

/**
 * What to predict: {pattern} or {flows}, with interSocketGBps and memoryGBps when set; null when
 * the custom list is chosen but empty (nothing to ask).
 */
export function predictionChoice() {
  const out = {};
  if ($('pattern').value === 'custom') {
    const flows = customFlows();
    if (!flows.length) return null;
    out.flows = flows;
  } else {
    out.pattern = $('pattern').value;
  }
  const inter = capacity('inter-socket-gbps');
  const memory = capacity('memory-gbps');
  if (inter !== undefined) out.interSocketGBps = inter;
  if (memory !== undefined) out.memoryGBps = memory;
  return out;
}

/** Whether the choice is more than a ready pattern (a 400 then is about it, not about the edits). */
export function isOwnChoice(choice) {
  return !!choice && (!!choice.flows || choice.interSocketGBps !== undefined || choice.memoryGBps !== undefined);
}

/** The choice as a query string (…/prediction, …/compare). */
export function predictionQuery(choice) {
  const q = new URLSearchParams();
  if (choice.pattern) q.set('pattern', choice.pattern);
  for (const f of choice.flows || []) q.append('flow', f);
  if (choice.interSocketGBps !== undefined) q.set('interSocketGBps', String(choice.interSocketGBps));
  if (choice.memoryGBps !== undefined) q.set('memoryGBps', String(choice.memoryGBps));
  return q.toString();
}

/** The choice in words, for the comparison's summary. */
export function choiceWords(choice) {
  if (!choice) return 'no flows';
  const what = choice.flows ? choice.flows.length + ' flow' + (choice.flows.length === 1 ? '' : 's') + ' of your own' : 'pattern ' + choice.pattern;
  const caps = [choice.interSocketGBps !== undefined ? 'between sockets ' + choice.interSocketGBps + ' GB/s' : '',
    choice.memoryGBps !== undefined ? 'host memory ' + choice.memoryGBps + ' GB/s' : ''].filter(Boolean);
  return what + (caps.length ? ' (' + caps.join(', ') + ')' : '');
}

/**
 * The From and To pickers: the graph's devices, host memory of each NUMA node the report's
 * functions sit on, and the network through each NIC.
 */
export function fillFlowEnds(graph, report, words) {
  const devices = graph.nodes.filter((n) => n.type === 'device');
  const nodes = [...new Set(report.pci.map((f) => f.numaNode).filter((n) => n != null && n >= 0))].sort((a, b) => a - b);
  const ends = [
    ...devices.map((n) => [n.id, words(n.id)]),
    ...nodes.map((n) => ['memory:' + n, 'host memory, NUMA node ' + n]),
    ...devices.filter((n) => n.kind === 'nic' || n.kind === 'rdma').map((n) => ['network:' + n.id, 'network via ' + words(n.id)]),
  ];
  fillSelect($('flow-from'), ends);
  fillSelect($('flow-to'), ends);
}

/** Wires the choice: {@code changed()} runs when what to predict changed. */
export function setupFlows(changed) {
  const form = $('custom-flows-form');
  const show = () => { form.hidden = $('pattern').value !== 'custom'; };
  $('pattern').addEventListener('change', () => { show(); changed(); });
  $('flow-add').addEventListener('click', () => {
    const line = $('flow-from').value + '>' + $('flow-to').value;
    const area = $('custom-flows');
    area.value = customFlows().concat(line).join('\n');
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); changed(); });
  $('capacities-form').addEventListener('submit', (e) => { e.preventDefault(); changed(); });
  show();
}
