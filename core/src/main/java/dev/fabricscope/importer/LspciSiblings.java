package dev.fabricscope.importer;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.PciFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Classifies functions that the {@code lspci -tv} tree names but that have no {@code -vvv} block,
 * from a sibling that has one. The case seen in real text (fixtures README "text/", Puget WRX90):
 * both ports of a dual-port ConnectX-7 are in the tree ({@code 21:00.0}, {@code 21:00.1}) but only
 * the first was printed with {@code -vvv}. Functions of one device (same domain, bus and device
 * number) with the same vendor:device ids (from {@code -nn}, or looked up in pci.ids by the printed
 * name) are the same silicon function repeated, as multi-port NICs and multi-function GPUs are: the
 * class code is the one thing they always share. Revision, links, ACS and driver are per function
 * and stay unknown.
 */
final class LspciSiblings {

  private LspciSiblings() {}

  /**
   * The functions, those without a class given their sibling's class and kind. The siblings are
   * indexed once by device and ids, so each lookup is constant time: a scan of every function for
   * each unnamed one cost minutes on a generated tree below the function limit (fifteenth security
   * review, finding 4).
   */
  static List<PciFunction> classify(
      List<PciFunction> pci, Map<String, ?> verbose, List<Diagnostic> diagnostics) {
    Map<String, PciFunction> classified = new HashMap<>();
    for (PciFunction s : pci) {
      ParseDeadline.check();
      if (s.classCode() != null
          && s.vendorId() != null
          && s.deviceId() != null
          && verbose.containsKey(s.bdf())) {
        classified.putIfAbsent(key(s), s); // the first in order, as the scan found it
      }
    }
    List<PciFunction> out = new ArrayList<>();
    for (PciFunction f : pci) {
      ParseDeadline.check();
      PciFunction sibling =
          f.classCode() != null || f.vendorId() == null || f.deviceId() == null
              ? null
              : classified.get(key(f));
      if (sibling == null) {
        out.add(f);
        continue;
      }
      out.add(withClass(f, sibling.classCode()));
      diagnostics.add(
          new Diagnostic(
              f.bdf(),
              "no lspci -vvv block: class "
                  + sibling.classCode()
                  + " taken from "
                  + sibling.bdf()
                  + " (same device, same ids "
                  + f.vendorId().substring(2)
                  + ":"
                  + f.deviceId().substring(2)
                  + ")"));
    }
    return out;
  }

  /**
   * Domain, bus and device (everything but the function number, so the length of the address counts
   * too) and vendor:device ids: what makes two functions siblings.
   */
  private static String key(PciFunction f) {
    String bdf = f.bdf();
    return bdf.substring(0, bdf.length() - 1) + "|" + f.vendorId() + ":" + f.deviceId();
  }

  /** Same domain, bus and device: everything but the function number. */
  static boolean sameDevice(String a, String b) {
    return a.length() == b.length()
        && a.substring(0, a.length() - 1).equals(b.substring(0, b.length() - 1));
  }

  private static PciFunction withClass(PciFunction f, String cls) {
    PciFunction c =
        new PciFunction(
            f.bdf(),
            f.parent(),
            f.hostBridge(),
            f.vendorId(),
            f.deviceId(),
            f.subsystemVendorId(),
            f.subsystemDeviceId(),
            cls,
            f.revision(),
            f.vendorName(),
            f.deviceName(),
            f.kind(),
            f.portType(),
            f.portTypeSource(),
            f.driver(),
            f.numaNode(),
            f.localCpulist(),
            f.iommu(),
            f.sriov(),
            f.p2pmem(),
            f.link(),
            f.acs(),
            f.config());
    return c.withKind(
        PciTopology.kind(PciTopology.hex(cls), PciTopology.hex(f.vendorId()), f.portType()));
  }
}
