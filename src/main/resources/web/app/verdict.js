// The verdict panel (host and plan pages): a pair's kernel, nvidia-smi, NCCL and driver verdicts,
// its bottleneck, hops and reasons, as the server computed them (GET …/paths).
import { el } from './dom.js';

export function renderVerdict(v, names) {
  const body = document.getElementById('verdict-body');
  body.replaceChildren();
  const label = (bdf) => (names.get(bdf) ? names.get(bdf) + ' ' : '') + bdf;
  const dl = el('dl', {},
    el('dt', {}, 'A'), el('dd', { class: 'mono' }, label(v.a)),
    el('dt', {}, 'B'), el('dd', { class: 'mono' }, label(v.b)),
    el('dt', {}, 'Kernel'), el('dd', { id: 'v-kernel' }, v.kernel.mapType,
      v.kernel.provisional ? ' (provisional)' : '', ' · distance ' + v.kernel.distance),
    el('dt', {}, 'nvidia-smi'), el('dd', { id: 'v-nvidia' }, v.nvidia + (v.nvidiaPcie && v.nvidiaPcie !== v.nvidia ? ' (PCIe: ' + v.nvidiaPcie + ')' : '')),
    el('dt', {}, 'NCCL'), el('dd', { id: 'v-nccl' }, v.nccl ? v.nccl.path + ' · P2P ' + (v.nccl.p2p ? 'on' : 'off') + ' · GDR ' + (v.nccl.gdr ? 'on' : 'off') : '—'),
    ...(v.driver ? [el('dt', {}, 'Driver'), el('dd', { id: 'v-driver' }, v.driver.label + ' · read ' +
      v.driver.read + ' · write ' + v.driver.write + ' · NVLink ' + v.driver.nvlink +
      (v.driver.commonAncestor ? ' · ' + v.driver.commonAncestor : ''))] : []),
    el('dt', {}, 'Bottleneck'), el('dd', { id: 'v-bottleneck' }, v.bottleneck
      ? v.bottleneck.bdf + ' · ' + v.bottleneck.usableGBps.toFixed(1) + ' GB/s usable (' + v.bottleneck.rawGBps.toFixed(1) + ' raw)'
      : 'unknown'));
  body.append(dl);
  body.append(el('h3', {}, 'Hops'));
  const ol = el('ol', { class: 'hops', id: 'v-hops' });
  // the server names each hop (hopNames: matrix label, device or port name); bare ids otherwise
  const hops = v.hopNames ?? v.hops.map((id) => ({ id }));
  for (const h of hops) {
    ol.append(el('li', { 'data-hop': h.id }, h.label ? el('strong', {}, h.label + ' ') : null,
      h.name ? el('span', { class: 'hop-name' }, h.name + ' ') : null, el('span', { class: 'hop-id' }, h.id)));
  }
  body.append(ol);
  body.append(el('h3', {}, 'Reasons'));
  const ul = el('ul', { class: 'reasons', id: 'v-reasons' });
  for (const r of v.reasons) {
    ul.append(el('li', { 'data-code': r.code }, el('span', { class: 'code' }, r.code), ' ', r.message,
      r.fix ? el('div', { class: 'fix' }, 'Fix: ', r.fix) : null));
  }
  if (!v.reasons.length) ul.append(el('li', { class: 'muted' }, 'none'));
  body.append(ul);
  body.hidden = false;
  document.getElementById('verdict-empty').hidden = true;
}

/** Empties the verdict panel. */
export function clearVerdict() {
  document.getElementById('verdict-body').hidden = true;
  document.getElementById('verdict-empty').hidden = false;
}
