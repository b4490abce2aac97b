package dev.fabricscope.p2p;

import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's P2PDMA verdict, p2p-rules.md §2.3 ({@code calc_map_type_and_dist} in {@code
 * drivers/pci/p2pdma.c}): walk both upstream chains (§2.2, a VF as its PF) to the first common
 * bridge; if every port the kernel checks (both devices, their bridges and the common bridge)
 * leaves ACS redirect off (§2.4), the traffic stays below it (BUS_ADDR). Otherwise, or with no
 * common bridge, the host bridge decides: any AMD Zen host (family ≥ 0x17), else the allow-list of
 * §2.5 matched on each root bus's first function. RDMA devices that move data in software (rxe,
 * siw) or through rdmavt (hfi1, qib) are refused whatever the topology (§2.6).
 */
public final class KernelP2pRules {

  private final Fabric fabric;

  public KernelP2pRules(Fabric fabric) {
    this.fabric = fabric;
  }

  /** The verdict for a pair, its reasons appended to {@code reasons}. */
  public KernelVerdict verdict(Device a, Device b, List<Reason> reasons) {
    boolean provisional = false;
    for (Device d : List.of(a, b)) {
      if (!d.bdf().equals(fabric.effective(d.bdf()))) {
        reasons.add(
            new Reason(
                Reason.VF_AS_PF,
                d.bdf()
                    + " is a virtual function: the kernel walks from its PF "
                    + fabric.effective(d.bdf()),
                null));
      }
    }
    Topo t = topology(a.bdf(), b.bdf());
    Reason refused = softwareRdma(a);
    if (refused == null) {
      refused = softwareRdma(b);
    }
    if (refused != null) {
      reasons.add(refused);
      return new KernelVerdict(KernelVerdict.NOT_SUPPORTED, t.distance, false);
    }
    if (t.common != null) {
      if (t.distance == 0) {
        reasons.add(new Reason(Reason.SAME_DEVICE, "provider and client are one function", null));
        return new KernelVerdict(KernelVerdict.BUS_ADDR, 0, false);
      }
      List<String> redirecting = new ArrayList<>();
      List<String> unknown = new ArrayList<>();
      for (String s : t.suspects) {
        PciFunction f = fabric.function(s);
        Boolean r = f == null || f.acs() == null ? null : f.acs().redirects();
        if (r == null) {
          unknown.add(s);
        } else if (r) {
          redirecting.add(s);
        }
      }
      if (redirecting.isEmpty()) {
        if (!unknown.isEmpty()) {
          provisional = true;
          reasons.add(
              new Reason(
                  Reason.ACS_UNKNOWN,
                  "ACS of "
                      + String.join(", ", unknown)
                      + " is unknown (config space not readable): assumed not redirecting",
                  "run the agent as root so config space beyond 64 bytes is readable"));
        }
        reasons.add(
            new Reason(
                Reason.COMMON_BRIDGE,
                "both sit below "
                    + t.common
                    + " with ACS redirect off on every port checked: peer TLPs never reach the"
                    + " host bridge",
                null));
        return new KernelVerdict(KernelVerdict.BUS_ADDR, t.distance, provisional);
      }
      reasons.add(
          new Reason(
              Reason.ACS_REDIRECT,
              "ACS redirect (ReqRedir/CmpltRedir/EgressCtrl) is on at "
                  + String.join(", ", redirecting)
                  + ": the kernel routes peer traffic up through the host bridge",
              "pci=disable_acs_redir="
                  + String.join(";", redirecting)
                  + " (merges IOMMU groups: isolation between these devices is lost)"));
    } else {
      reasons.add(
          new Reason(
              Reason.NO_COMMON_BRIDGE,
              "no common upstream bridge below the host: traffic must cross the host bridge",
              "put both devices under one PCIe switch"));
    }
    return hostBridge(a.bdf(), b.bdf(), t.distance, provisional, reasons);
  }

  private KernelVerdict hostBridge(
      String a, String b, int distance, boolean provisional, List<Reason> reasons) {
    if (fabric.amdZenOrLater()) {
      reasons.add(
          new Reason(
              Reason.AMD_ZEN_HOST_BRIDGE,
              "AMD CPU family 0x"
                  + Integer.toHexString(fabric.host().cpu().family())
                  + " (Zen or later): the kernel allows P2P through any of its host bridges",
              null));
      return new KernelVerdict(KernelVerdict.THRU_HOST_BRIDGE, distance, provisional);
    }
    String hbA = fabric.hostBridge(a);
    String hbB = fabric.hostBridge(b);
    boolean same = hbA != null && hbA.equals(hbB);
    List<String> bridges = same ? List.of(hbA) : List.of(String.valueOf(hbA), String.valueOf(hbB));
    boolean allowed = true;
    for (String hb : bridges) {
      Fabric.Representative rep = fabric.representative("null".equals(hb) ? null : hb);
      if (rep.function() == null) {
        reasons.add(
            new Reason(
                Reason.HOST_BRIDGE_UNKNOWN,
                "the first function of root bus "
                    + hb
                    + " is not in the report: assumed not on the kernel's allow-list",
                null));
        return new KernelVerdict(KernelVerdict.NOT_SUPPORTED, distance, true);
      }
      PciFunction r = rep.function();
      String id = r.vendorId() + ":" + r.deviceId();
      String what = hb + " (first function " + r.bdf() + ", " + id.replace("0x", "") + ")";
      HostBridgeAllowList.Row row =
          rep.accepted()
              ? HostBridgeAllowList.find(
                  PciTopology.hex(r.vendorId()), PciTopology.hex(r.deviceId()))
              : null;
      if (row == null) {
        allowed = false;
        reasons.add(
            new Reason(
                Reason.HOST_BRIDGE_NOT_ALLOWED,
                "host bridge "
                    + what
                    + (rep.accepted()
                        ? " is not on the kernel's P2PDMA allow-list"
                        : " has no function 00.0 or Root Port first: the kernel finds no"
                            + " representative")
                    + ": P2P through it is refused",
                "put both devices under one PCIe switch with ACS redirect off"));
      } else if (!same && row.sameHostBridgeOnly()) {
        allowed = false;
        reasons.add(
            new Reason(
                Reason.HOST_BRIDGE_SAME_ONLY,
                "host bridge "
                    + what
                    + " ("
                    + row.platform()
                    + ") allows P2P only within one host bridge; these sit on "
                    + hbA
                    + " and "
                    + hbB,
                "put both devices on the same host bridge (socket)"));
      } else {
        reasons.add(
            new Reason(
                Reason.HOST_BRIDGE_ALLOWED,
                "host bridge " + what + " (" + row.platform() + ") is on the kernel's allow-list",
                null));
      }
    }
    if (!allowed && !fabric.amdRuleDecidable()) {
      // §2.3 HOSTBRIDGE: an x86 AMD family ≥ 0x17 host allows every host bridge before the table
      // is consulted. With the CPU unknown (lspci text, NCCL files without a cpu element) the
      // table's refusal may be wrong, so the verdict is provisional and says why.
      provisional = true;
      reasons.add(
          new Reason(
              Reason.CPU_UNKNOWN,
              "the host CPU (vendor, family) is unknown: on an AMD Zen-or-later host (family ≥"
                  + " 0x17) the kernel would allow this path through the host bridge"
                  + (amdHostBridge(hbA) || amdHostBridge(hbB)
                      ? " (the root complex is AMD's, vendor 1022, which does not tell the family)"
                      : ""),
              "include /proc/cpuinfo or lscpu output with the topology"));
    }
    return new KernelVerdict(
        allowed ? KernelVerdict.THRU_HOST_BRIDGE : KernelVerdict.NOT_SUPPORTED,
        distance,
        provisional);
  }

  private boolean amdHostBridge(String hb) {
    PciFunction f = hb == null ? null : fabric.representative(hb).function();
    return f != null && f.vendorId() != null && PciTopology.hex(f.vendorId()) == 0x1022;
  }

  /**
   * The host-bridge branch alone (no reasons): what {@link FastMatrix} caches per root-bus pair.
   */
  KernelVerdict hostBridgeOnly(String a, String b) {
    return hostBridge(a, b, 0, false, new ArrayList<>());
  }

  /** The §2.6 refusal for a device, or null when it is a hardware function. */
  Reason refusedRdma(Device d) {
    return softwareRdma(d);
  }

  /** §2.6: a software or rdmavt RDMA device, or a function only driven through rdmavt. */
  private Reason softwareRdma(Device d) {
    RdmaDevice sw = null;
    if (d.rdma() != null) {
      sw =
          fabric.rdmaOn(d.bdf()).stream()
              .filter(r -> r.name().equals(d.rdma()))
              .findFirst()
              .orElse(null);
    } else {
      List<RdmaDevice> on = fabric.rdmaOn(d.bdf());
      if (!on.isEmpty() && on.stream().allMatch(r -> r.provider() == RdmaDevice.Provider.RDMAVT)) {
        sw = on.get(0);
      }
    }
    if (sw == null || sw.provider() == RdmaDevice.Provider.HARDWARE) {
      return null;
    }
    boolean software = sw.provider() == RdmaDevice.Provider.SOFTWARE;
    return new Reason(
        software ? Reason.SOFTWARE_RDMA : Reason.RDMAVT_RDMA,
        sw.name()
            + (software ? " is a software RDMA device (rxe/siw)" : " is rdmavt-based")
            + ": its DMA is done by the CPU (virt DMA), so the kernel refuses P2P memory for it"
            + " whatever the topology",
        "use a hardware RDMA device (an HCA such as mlx5) for P2P");
  }

  /** Where two functions meet, §2.3. */
  record Topo(String common, int distance, List<String> suspects) {}

  Topo topology(String a, String b) {
    List<String> ca = fabric.chain(a);
    List<String> cb = fabric.chain(b);
    for (int i = 0; i < ca.size(); i++) {
      int j = cb.indexOf(ca.get(i));
      if (j >= 0) {
        List<String> suspects = new ArrayList<>(ca.subList(0, i + 1));
        suspects.addAll(cb.subList(0, j));
        return new Topo(ca.get(i), i + j, suspects);
      }
    }
    return new Topo(null, ca.size() + cb.size(), List.of());
  }

  /** The ACS state the verdict relied on, for explanations. */
  static String acsText(PciFunction f) {
    if (f == null || f.acs() == null || Acs.UNKNOWN.equals(f.acs().state())) {
      return "unknown";
    }
    if (Acs.ABSENT.equals(f.acs().state())) {
      return "no ACS capability";
    }
    return Boolean.TRUE.equals(f.acs().redirects()) ? "redirecting" : "not redirecting";
  }
}
