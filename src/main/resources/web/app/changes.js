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
    return 'link ' + c.device + ' ' + (c.before ?? '?') + ' → ' + (c.after ?? '?')
      + (c.downtrained ? ' (downtrained)' : '');
  }
  if (c.kind === 'ACS_CHANGED' || c.kind === 'DRIVER_CHANGED') {
    const what = c.kind === 'ACS_CHANGED' ? 'ACS' : 'driver';
    return what + ' ' + c.device + ' ' + (c.before ?? 'none') + ' → ' + (c.after ?? 'none');
  }
  return c.message || (c.kind + ' ' + c.device);
}

/** Whether a change is about a PCI function drawn on the graph (its device is a BDF). */
export function isPci(c) {
  return /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(c.device || '');
}
