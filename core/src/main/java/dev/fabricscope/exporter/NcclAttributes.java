package dev.fabricscope.exporter;

import dev.fabricscope.p2p.CpuList;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;
import java.util.Locale;

/**
 * The {@code class}, {@code link_speed} and {@code link_width} attributes of NCCL's {@code pci}
 * elements, computed as NCCL 2.28.9 computes them from sysfs (graph/xml.cc, {@code
 * ncclTopoGetXmlFromSys}):
 *
 * <ul>
 *   <li>{@code class}: the six-digit sysfs string; NCCL matches it by prefix against {@code
 *       0x060400} (bridge), {@code 0x068000} (NVSwitch), {@code 0x03} (GPU), {@code 0x02} (NIC), so
 *       a class known to 16 bits only (hwloc XML before 3.0) is written with programming interface
 *       00, the one NVIDIA's NVSwitch functions and PCI bridges have;
 *   <li>{@code link_speed}: the device's {@code max_link_speed} string, or its upstream port's
 *       ({@code ../max_link_speed}) when that parses to less; {@code ""} when the device has none;
 *   <li>{@code link_width}: {@code min(max_link_width, ../max_link_width)} where a missing file
 *       reads as 0: a device on a root bus (the H200 passed through to a VM, whose parent directory
 *       is {@code pci0000:00}) gets {@code 0}, exactly as NCCL's own dump of that host shows; NCCL
 *       then assumes 16 lanes.
 * </ul>
 *
 * A report imported from hwloc XML knows only {@code pci_link_speed}, the current link in GB/s
 * ({@link PciLink#reportedGBps()}): speed and width are read from it by {@link HwlocLinkSpeed}, and
 * left empty and 0 where no reading matches (NCCL then assumes 8 GT/s ×16).
 *
 * <p>A report imported from an NCCL file holds NCCL's own result in {@code link.max}: it is written
 * as it was read, and left out where the file left it out (NCCL then reads sysfs on load). A report
 * from lspci holds LnkCap (the register {@code max_link_*} is read from) in {@code
 * link.capability}; when the parent port's block was not in the text the upstream end is unknown
 * and the device's own value is written.
 */
final class NcclAttributes {

  private NcclAttributes() {}

  /** The six-digit class string, null when unknown. */
  static String pciClass(PciFunction f) {
    int cls = PciTopology.class24(f.classCode());
    return cls < 0 ? null : String.format(Locale.ROOT, "0x%06x", cls);
  }

  /** {@code link_speed} and {@code link_width} as NCCL writes them. */
  static String[] link(PciFunction f, boolean fromNcclFile) {
    PciLink l = f.link();
    LinkState dev = l == null ? null : l.max() != null ? l.max() : l.capability();
    if (fromNcclFile && l == null) {
      return new String[] {null, null}; // not in the file: NCCL reads them from sysfs itself
    }
    if (!fromNcclFile && dev == null && l != null && l.reportedGBps() != null) {
      // hwloc XML: GB/s of the current link only; speed × width as NCCL multiplies them
      LinkState r = HwlocLinkSpeed.decode(l.reportedGBps());
      if (r != null) {
        return new String[] {ExportSupport.speedString(r.speedGTs()), String.valueOf(r.width())};
      }
    }
    if (fromNcclFile || dev == null) {
      return new String[] {
        ExportSupport.speedString(dev == null ? null : dev.speedGTs()),
        String.valueOf(dev == null || dev.width() == null ? 0 : dev.width())
      };
    }
    boolean upstreamKnown = l.upstream() != null || f.parent() == null;
    LinkState up = l.upstream() == null ? null : l.upstream().max();
    Double speed = dev.speedGTs();
    if (speed == null || up != null && up.speedGTs() != null && up.speedGTs() < speed) {
      speed = up == null ? null : up.speedGTs();
    }
    int width = dev.width() == null ? 0 : dev.width();
    if (upstreamKnown) {
      width = Math.min(width, up == null || up.width() == null ? 0 : up.width());
    }
    return new String[] {ExportSupport.speedString(speed), String.valueOf(width)};
  }

  /**
   * Every NUMA node's {@code affinity}: the kernel's cpumap, which NCCL copies, with one 32-bit
   * word per 32 possible CPUs of the machine, the same count for every node
   * ("00000000,00000000,00ffffff" on a 96-CPU host), by node id; a node without CPUs has none, and
   * of two nodes of one id the first with CPUs counts. Each list is read once, so the export costs
   * one pass over the nodes, not one per node.
   */
  static java.util.Map<Integer, String> cpuAffinities(Host host) {
    java.util.Map<Integer, java.util.BitSet> own = new java.util.HashMap<>();
    java.util.BitSet every = new java.util.BitSet();
    for (Host.NumaNode n : host.numaNodes()) {
      java.util.BitSet set = CpuList.parseOrEmpty(n.cpulist());
      every.or(set);
      if (!set.isEmpty()) {
        own.putIfAbsent(n.id(), set);
      }
    }
    int words = Math.max(1, (every.length() + 31) / 32);
    java.util.Map<Integer, String> out = new java.util.HashMap<>();
    own.forEach((id, set) -> out.put(id, ExportSupport.mask(set, false, words)));
    return out;
  }
}
