package dev.fabricscope.p2p;

import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;

/** The full reasoning for one pair, as {@code explain} prints it. */
public final class ExplainText {

  private ExplainText() {}

  public static String render(PairVerdict v, Device a, Device b, Report report) {
    return render(v, a, b, report, null);
  }

  /**
   * As {@link #render(PairVerdict, Device, Device, Report)}, naming each side by its topo label.
   */
  public static String render(PairVerdict v, Device a, Device b, Report report, DeviceNames names) {
    StringBuilder sb = new StringBuilder();
    sb.append(describe(a, names)).append("  <->  ").append(describe(b, names)).append("\n\n");
    sb.append("Path (").append(v.hops().size()).append(" hops):\n");
    for (String hop : v.hops()) {
      PciFunction f =
          report.pci().stream().filter(x -> x.bdf().equals(hop)).findFirst().orElse(null);
      sb.append("  ").append(hop);
      if (f != null) {
        sb.append("  ")
            .append(f.portType().json())
            .append(", ")
            .append(f.kind().json())
            .append(", ACS ")
            .append(KernelP2pRules.acsText(f));
        if (f.deviceName() != null) {
          sb.append("  ").append(f.deviceName());
        }
      } else if (hop.startsWith("pci")) {
        sb.append("  host bridge");
      }
      sb.append('\n');
    }
    KernelVerdict k = v.kernel();
    sb.append("\nKernel P2PDMA:  ")
        .append(k.mapType())
        .append(", distance ")
        .append(k.distance())
        .append(k.provisional() ? "  (provisional: an input was unknown, see reasons)" : "")
        .append('\n');
    sb.append("nvidia-smi:     ")
        .append(v.nvidia())
        .append(" (topo -m), ")
        .append(v.nvidiaPcie())
        .append(" (topo -mp)\n");
    NcclVerdict n = v.nccl();
    sb.append("NCCL:           path ").append(n.path());
    if (n.p2p() != null) {
      sb.append(", P2P ").append(n.p2p() ? "on" : "off");
    }
    if (n.gdr() != null) {
      sb.append(", GPUDirect RDMA ").append(n.gdr() ? "on" : "off");
    }
    sb.append('\n');
    DriverVerdict d = v.driver();
    if (d != null) {
      sb.append("Driver (NVML):  ")
          .append(d.label())
          .append(" (read ")
          .append(d.read())
          .append(", write ")
          .append(d.write())
          .append(", NVLink ")
          .append(d.nvlink())
          .append(", atomics ")
          .append(d.atomics())
          .append(d.commonAncestor() == null ? "" : "; common ancestor " + d.commonAncestor())
          .append(")\n");
    }
    Bottleneck bn = v.bottleneck();
    sb.append("Bottleneck:     ");
    if (bn == null) {
      sb.append("unknown (no link speed in the source)\n");
    } else {
      sb.append("link above ")
          .append(bn.bdf())
          .append(": ")
          .append(bn.rawGBps())
          .append(" GB/s per direction after encoding, ~")
          .append(bn.usableGBps())
          .append(" GB/s usable\n");
    }
    sb.append("\nReasons:\n");
    for (Reason r : v.reasons()) {
      sb.append("  [").append(r.code()).append("] ").append(r.message()).append('\n');
      if (r.fix() != null) {
        sb.append("      fix: ").append(r.fix()).append('\n');
      }
    }
    return sb.toString();
  }

  private static String describe(Device d, DeviceNames names) {
    String label = names == null ? null : names.label(d);
    return (label == null ? "" : label + " ") + d.bdf() + " " + d.kind().json() + " " + d.name();
  }
}
