package dev.fabricscope.testing;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.util.ArrayList;
import java.util.List;

/**
 * A synthetic host whose first GPU trained x8 on a x16 link (both ends capable of x16): the one
 * downtrained link of p2p-rules.md §5.2, for finding tests.
 *
 * @param report the report to import
 * @param gpu the BDF of the downtrained GPU
 */
public record DowntrainedHost(Report report, String gpu) {

  public static DowntrainedHost named(String host) {
    Report base = SyntheticHosts.nestedSwitches(host, 6);
    List<PciFunction> pci = new ArrayList<>();
    String gpu = null;
    for (PciFunction f : base.pci()) {
      if (gpu == null && f.kind() == DeviceKind.GPU) {
        gpu = f.bdf();
        PciLink l = f.link();
        PciLink.LinkState x8 = new PciLink.LinkState(16.0, 8);
        f = f.withLink(new PciLink(x8, l.max(), l.capability(), x8, l.upstream(), null));
      }
      pci.add(f);
    }
    Report r =
        new Report(
            1,
            base.source(),
            base.host(),
            pci,
            base.rdma(),
            base.net(),
            base.nvme(),
            base.gpus(),
            base.nvlinks(),
            base.diagnostics());
    return new DowntrainedHost(r, gpu);
  }
}
