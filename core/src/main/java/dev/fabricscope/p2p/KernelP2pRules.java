package dev.fabricscope.p2p;

import dev.fabricscope.path.Meeting;
import dev.fabricscope.path.Path;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's P2PDMA verdict, p2p-rules.md §2.3 ({@code calc_map_type_and_dist} in {@code
 * drivers/pci/p2pdma.c}), read from the pair's {@link Path}: where both upstream chains (§2.2, a VF
 * as its PF) meet at the first common bridge; if every port the kernel checks (both devices, their
 * bridges and the common bridge) leaves ACS redirect off (§2.4), the traffic stays below it
 * (BUS_ADDR). Otherwise, or with no common bridge, the host bridge decides: any AMD Zen host
 * (family ≥ 0x17), else the allow-list of §2.5 matched on each root bus's first function. RDMA
 * devices that move data in software (rxe, siw) or through rdmavt (hfi1, qib) are refused whatever
 * the topology (§2.6).
 */
public final class KernelP2pRules implements PairRule<KernelVerdict> {

  private final Fabric fabric;

  public KernelP2pRules(Fabric fabric) {
    this.fabric = fabric;
  }

  @Override
  public Ruling<KernelVerdict> rule(DevicePair pair) {
    List<Reason> reasons = new ArrayList<>();
    KernelVerdict v = verdict(pair, reasons);
    return new Ruling<>(v, v.provisional(), reasons);
  }

  /**
   * Whether the kernel keeps the pair's traffic below their common bridge (§2.3): there is one, and
   * no port it checks redirects (or it is one function). Otherwise the host bridge decides.
   */
  static boolean staysBelow(Meeting m) {
    return m.hasCommonBridge() && (m.distance() == 0 || !m.acsRedirect());
  }

  /** The verdict for a pair, its reasons appended to {@code reasons}. */
  private KernelVerdict verdict(DevicePair pair, List<Reason> reasons) {
    Device a = pair.a();
    Device b = pair.b();
    Path path = pair.path();
    Meeting m = path.meeting();
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
    Reason refused = softwareRdma(a);
    if (refused == null) {
      refused = softwareRdma(b);
    }
    if (refused != null) {
      reasons.add(refused);
      return new KernelVerdict(MapType.NOT_SUPPORTED, m.distance(), false);
    }
    if (m.hasCommonBridge()) {
      if (m.distance() == 0) {
        reasons.add(new Reason(Reason.SAME_DEVICE, "provider and client are one function", null));
        return new KernelVerdict(MapType.BUS_ADDR, 0, false);
      }
      List<String> redirecting = new ArrayList<>();
      List<String> unknown = new ArrayList<>();
      for (String s : suspects(path)) {
        PciFunction f = fabric.function(s);
        Boolean r = f == null || f.acs() == null ? null : f.acs().redirects();
        if (r == null) {
          unknown.add(s);
        } else if (r) {
          redirecting.add(s);
        }
      }
      if (staysBelow(m)) {
        if (!unknown.isEmpty()) {
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
                    + path.common()
                    + " with ACS redirect off on every port checked: peer TLPs never reach the"
                    + " host bridge",
                null));
        return new KernelVerdict(MapType.BUS_ADDR, m.distance(), m.acsUnknown());
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
    return hostBridge(
        fabric.paths().upstream(a.bdf()).hostBridge(),
        fabric.paths().upstream(b.bdf()).hostBridge(),
        m.distance(),
        false,
        reasons);
  }

  /**
   * The ports the kernel checks for ACS (§2.3): a and its bridges up to and including the common
   * one, then b and its bridges below it, each side from the function upward.
   */
  private static List<String> suspects(Path path) {
    List<String> hops = path.hops();
    int i = path.meeting().upA();
    List<String> out = new ArrayList<>(hops.subList(0, i + 1));
    for (int k = hops.size() - 1; k > i; k--) {
      out.add(hops.get(k));
    }
    return out;
  }

  private KernelVerdict hostBridge(
      String hbA, String hbB, int distance, boolean provisional, List<Reason> reasons) {
    if (fabric.amdZenOrLater()) {
      reasons.add(
          new Reason(
              Reason.AMD_ZEN_HOST_BRIDGE,
              "AMD CPU family 0x"
                  + Integer.toHexString(fabric.host().cpu().family())
                  + " (Zen or later): the kernel allows P2P through any of its host bridges",
              null));
      return new KernelVerdict(MapType.THRU_HOST_BRIDGE, distance, provisional);
    }
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
        return new KernelVerdict(MapType.NOT_SUPPORTED, distance, true);
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
        allowed ? MapType.THRU_HOST_BRIDGE : MapType.NOT_SUPPORTED, distance, provisional);
  }

  private boolean amdHostBridge(String hb) {
    PciFunction f = hb == null ? null : fabric.representative(hb).function();
    return f != null && f.vendorId() != null && PciTopology.hex(f.vendorId()) == 0x1022;
  }

  /**
   * The host-bridge branch alone (no reasons) for two root buses: what {@link FastMatrix} caches
   * per root-bus pair.
   */
  KernelVerdict hostBridgeOnly(String hostBridgeA, String hostBridgeB) {
    return hostBridge(hostBridgeA, hostBridgeB, 0, false, new ArrayList<>());
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
