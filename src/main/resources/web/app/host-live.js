// What a live update of the host page shows besides the redrawn graph and matrix: the banner (the
// new snapshot and what changed) and the summary line under the title, rebuilt from the read API.
import { describe } from './changes.js';
import { el, getJson } from './dom.js';

const pad = (n) => String(n).padStart(2, '0');

/**
 * A last-seen time as the server renders it (HostPage, IndexPage: "yyyy-MM-dd HH:mm UTC",
 * truncated to the minute), or "never" without one. The API sends RFC 3339 with up to nanoseconds;
 * Date reads milliseconds only.
 */
export function seenText(iso) {
  if (!iso) return 'never';
  const d = new Date(String(iso).replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' '
    + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' UTC';
}

/**
 * The summary line of a host from GET /api/v1/hosts/{h}: the same fields, order and words as
 * templates/HostPage/host.html (class "summary"), so a live update reads as a fresh load would.
 */
export function summaryText(host) {
  const s = host.summary || {};
  return (s.cpu ? s.cpu + ' · ' : '') + (s.gpus || 0) + ' GPUs · ' + (s.nics || 0) + ' NICs · '
    + (s.nvme || 0) + ' NVMe · ' + (s.pciFunctions || 0) + ' PCI functions · last seen '
    + seenText(host.lastSeen);
}

/** Re-reads the host (one small JSON answer) and rewrites the summary line and the imported tag. */
export async function refreshSummary(api) {
  const host = await getJson(api);
  document.querySelector('#host-page .summary').textContent = summaryText(host);
  const h1 = document.querySelector('#host-page h1');
  const tag = h1.querySelector('.tag');
  if (host.imported && !tag) h1.append(el('span', { class: 'tag' }, 'imported'));
  if (!host.imported && tag) tag.remove();
  return host;
}

/** The banner over the host page after a live update: the new snapshot and what changed. */
export function showBanner(ev, changes) {
  let banner = document.getElementById('live-banner');
  if (!banner) {
    banner = el('div', { id: 'live-banner', class: 'live-banner', role: 'status' });
    document.querySelector('#host-page h1').after(banner);
  }
  const MAX = 8;
  const ul = el('ul', { id: 'live-changes' });
  for (const c of changes.slice(0, MAX)) ul.append(el('li', { 'data-kind': c.kind, 'data-device': c.device }, describe(c)));
  if (changes.length > MAX) ul.append(el('li', { class: 'muted' }, '… and ' + (changes.length - MAX) + ' more (see the history)'));
  const close = el('button', { type: 'button', class: 'secondary', 'aria-label': 'dismiss' }, 'Dismiss');
  close.addEventListener('click', () => { banner.hidden = true; });
  banner.replaceChildren(el('div', {},
    el('strong', {}, 'Updated: '), 'new snapshot ' + ev.snapshotId + (ev.imported ? ' (imported)' : '') + ' — '
      + (changes.length ? changes.length + ' change' + (changes.length === 1 ? '' : 's') : 'no structural change')
      + ' at ' + new Date().toLocaleTimeString(), ' ',
    el('a', { href: location.pathname.replace(/\/$/, '') + '/history' }, 'history'), ul), close);
  banner.dataset.snapshot = String(ev.snapshotId);
  banner.hidden = false;
}
