// The details card for one PCI function (host and plan pages): what the report says of it.
import { el } from './dom.js';
import { gen } from './graph.js';

function linkText(ls) {
  if (!ls || (ls.speedGTs == null && ls.width == null)) return 'unknown';
  return (ls.speedGTs != null ? gen(ls.speedGTs) + ' (' + ls.speedGTs + ' GT/s)' : '?') + ' x' + (ls.width ?? '?');
}

// whether the port redirects P2P is the server's verdict (the graph node's acsRedirect); the
// report only adds which control bits are set
function acsText(acs, redirects) {
  if (!acs) return 'unknown';
  if (acs.state !== 'present') return acs.state;
  const c = acs.control || {};
  const on = ['srcValid', 'transBlk', 'reqRedir', 'cmpltRedir', 'upstreamFwd', 'egressCtrl', 'directTrans'].filter((k) => c[k]);
  const verdict = redirects == null ? '' : redirects ? 'redirects P2P — ' : 'no redirect — ';
  return verdict + (on.length ? 'enabled: ' + on.join(', ') : 'all control bits off');
}

/**
 * The details card for one PCI function (ids, driver, NUMA, link, ACS, IOMMU, SR-IOV, RDMA);
 * {@code acsRedirect} is the drawn node's ACS verdict from the server's graph (undefined: not said).
 */
export function renderDetails(report, bdf, names, acsRedirect) {
  const f = report.pci.find((x) => x.bdf === bdf);
  const card = document.getElementById('details');
  if (!f) { card.hidden = true; return; }
  const rows = [
    ['BDF', f.bdf + (names.get(f.bdf) ? ' (' + names.get(f.bdf) + ')' : '')],
    ['Device', [f.vendorName, f.deviceName].filter(Boolean).join(' ') || 'unknown'],
    ['IDs', [f.vendorId, f.deviceId].filter(Boolean).join(':') + (f.subsystemVendorId ? ' (sub ' + f.subsystemVendorId + ':' + f.subsystemDeviceId + ')' : '')],
    ['Kind', f.kind + (f.portType ? ' · ' + f.portType : '')],
    ['Driver', f.driver || '—'],
    ['NUMA node', f.numaNode ?? 'unknown'],
    ['Host bridge', f.hostBridge || '—'],
    ['Link', f.link ? linkText(f.link.current) + ' of ' + linkText(f.link.max) + (f.link.reportedGBps ? ' · ' + f.link.reportedGBps + ' GB/s' : '') : 'unknown'],
    ['ACS', acsText(f.acs, acsRedirect)],
    ['IOMMU group', f.iommu ? f.iommu.group + (f.iommu.type ? ' (' + f.iommu.type + ')' : '') : 'none'],
  ];
  if (f.sriov) {
    rows.push(['SR-IOV', f.sriov.physfn ? 'VF of ' + f.sriov.physfn : (f.sriov.numVfs ?? 0) + ' of ' + (f.sriov.totalVfs ?? '?') + ' VFs']);
  }
  const gpu = (report.gpus || []).find((g) => g.pciFunction === f.bdf);
  if (gpu) rows.push(...gpuRows(gpu, report));
  for (const r of report.rdma.filter((x) => x.pciFunction === f.bdf)) {
    rows.push(['RDMA ' + r.name, (r.ports || []).map((p) => 'port ' + p.port + ' ' + (p.state || '?') + ' ' + (p.rate || '') + ' ' + (p.linkLayer || '')).join('; ') || 'no ports']);
  }
  const dl = el('dl', { id: 'details-list' });
  for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v));
  card.replaceChildren(el('h2', {}, 'Device'), dl);
  card.hidden = false;
}

/** The driver's answers for a GPU (NVML, `gpus[].nvml` of the report), or why there are none. */
function gpuRows(gpu, report) {
  const n = gpu.nvml;
  if (!n) {
    const absent = (report.diagnostics || []).find((d) => d.path === 'nvml');
    return [['NVML', absent ? absent.reason.replace(/^nvml: /, '') : 'not asked (an import or an archive)']];
  }
  const gen = (g, w) => (g ? 'Gen' + g : 'Gen?') + ' x' + (w ?? '?');
  const cuda = (v) => Math.floor(v / 1000) + '.' + (v % 1000) / 10;
  const up = n.nvlinks.filter((l) => l.active).length;
  return [
    ['GPU', [n.productName, n.computeCapability && 'compute ' + n.computeCapability,
      n.memoryBytes && (n.memoryBytes / 2 ** 30).toFixed(1) + ' GiB'].filter(Boolean).join(' · ') || 'unknown'],
    ['UUID', n.uuid || 'unknown'],
    ['Driver version', [n.driverVersion, n.cudaDriverVersion && 'CUDA ' + cuda(n.cudaDriverVersion)].filter(Boolean).join(' · ') || 'unknown'],
    ['PCIe (driver)', gen(n.pcieGenCurrent, n.pcieWidthCurrent) + ' of ' + gen(n.pcieGenMax, n.pcieWidthMax) +
      (n.pcieReplays != null ? ' · ' + n.pcieReplays + ' replays' : '')],
    ['Virtualization', (n.virtualization || 'unknown') + (n.migEnabled ? ' · MIG on' : '')],
    ['NVLink', n.nvlinks.length ? up + ' of ' + n.nvlinks.length + ' links up' : 'none reported'],
  ];
}
