// Text and classes for the structural diff's changes (TopologyDiff.Change), shared by the
// history page and the live banner of the host page.

const ADDED = new Set(['FUNCTION_ADDED', 'RDMA_DEVICE_ADDED', 'NVME_ADDED', 'NET_ADDED']);
const REMOVED = new Set(['FUNCTION_REMOVED', 'RDMA_DEVICE_REMOVED', 'NVME_REMOVED', 'NET_REMOVED']);

/** 'added', 'removed' or 'changed'. */
export function changeClass(c) {
  if (ADDED.has(c.kind)) return 'added';
  if (REMOVED.has(c.kind)) return 'removed';
  return 'changed';
}

/** One line a person reads, e.g. "link 0000:03:00.0 8.0 GT/s x8 → x4 (downtrained)". */
export function describe(c) {
  if (c.kind === 'LINK_CHANGED') {
    return (c.field === 'link.max' ? 'max link ' : 'link ') + c.device + ' '
      + (c.before ?? 'unknown') + ' → ' + (c.after ?? 'unknown') + (c.downtrained ? ' (downtrained)' : '');
  }
  if (c.kind === 'ACS_CHANGED') {
    return 'ACS ' + c.device + ' ' + acsBits(c.before, c.after);
  }
  if (c.kind === 'DRIVER_CHANGED') {
    return 'driver ' + c.device + ' ' + (c.before ?? 'none') + ' → ' + (c.after ?? 'none');
  }
  return c.message || (c.kind + ' ' + c.device);
}

/** Only the ACS control bits that differ ("ReqRedir+ CmpltRedir+"), or the whole before → after. */
function acsBits(before, after) {
  const bits = (t) => (t || '').split(/\s+/).filter((b) => /^[A-Za-z]+[+-]$/.test(b));
  const a = bits(before);
  const b = bits(after);
  if (!a.length || !b.length) return (before ?? 'none') + ' → ' + (after ?? 'none');
  const old = new Set(a);
  const changed = b.filter((x) => !old.has(x));
  return changed.length ? 'now ' + changed.join(' ') : (before + ' → ' + after);
}

/** Whether a change is about a PCI function drawn on the graph (its device is a BDF). */
export function isPci(c) {
  return /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(c.device || '');
}
