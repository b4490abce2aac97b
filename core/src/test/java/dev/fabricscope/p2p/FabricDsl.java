package dev.fabricscope.p2p;

import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small builder for synthetic hosts (hwloc's synthetic topologies, JGraphT's {@code create()}):
 * host bridges with their first function, root ports, switches, endpoints, ACS and NUMA.
 */
final class FabricDsl {

  private static final Acs.Bits OFF = Acs.Bits.of(0);
  private static final Acs.Bits CAPS = Acs.Bits.of(0x5f);
  // what the PCI core enables when an IOMMU asks for ACS: SV, RR, CR, UF (p2p-rules.md §2.4)
  private static final Acs.Bits REDIRECT = Acs.Bits.of(0x1d);

  private final Map<String, PciFunction> fns = new LinkedHashMap<>();
  private final List<RdmaDevice> rdma = new ArrayList<>();
  private final List<NvLink> nvlinks = new ArrayList<>();
  private final Map<String, Integer> sm = new LinkedHashMap<>();
  private Host.Cpu cpu = new Host.Cpu("GenuineIntel", 6, 85, "Intel Xeon", 8);

  static FabricDsl host() {
    return new FabricDsl();
  }

  FabricDsl cpu(String vendor, int family, int model) {
    cpu = new Host.Cpu(vendor, family, model, vendor + " family " + family, 8);
    return this;
  }

  /** A root bus with its first function at devfn 00.0 (the kernel's representative). */
  FabricDsl hostBridge(String hb, String vendor, String device, int numa) {
    String bdf = hb.substring(3) + ":00.0";
    add(bdf, null, hb, vendor, device, "0x060000", PortType.RC_INTEGRATED, numa, null);
    return this;
  }

  /** A root bus whose first function is a Root Port (Sky Lake stacks). */
  FabricDsl rootPortFirst(String hb, String bdf, String vendor, String device, int numa) {
    add(bdf, null, hb, vendor, device, "0x060400", PortType.ROOT_PORT, numa, null);
    return this;
  }

  FabricDsl rootPort(String bdf, String hb, int numa) {
    add(bdf, null, hb, "0x8086", "0x2f08", "0x060400", PortType.ROOT_PORT, numa, null);
    return this;
  }

  FabricDsl switchUp(String bdf, String parent) {
    return bridge(bdf, parent, PortType.SWITCH_UPSTREAM);
  }

  FabricDsl switchDown(String bdf, String parent) {
    return bridge(bdf, parent, PortType.SWITCH_DOWNSTREAM);
  }

  private FabricDsl bridge(String bdf, String parent, PortType type) {
    PciFunction p = fns.get(parent);
    add(bdf, parent, p.hostBridge(), "0x10b5", "0x9797", "0x060400", type, p.numaNode(), null);
    return this;
  }

  FabricDsl gpu(String bdf, String parent) {
    endpoint(bdf, parent, "0x10de", "0x2330", "0x030200");
    return this;
  }

  /** A GPU on a root bus without a port above it (a root-complex integrated endpoint). */
  FabricDsl rcGpu(String bdf, String hb, Integer numa) {
    add(bdf, null, hb, "0x10de", "0x2330", "0x030200", PortType.RC_INTEGRATED, numa, null);
    return this;
  }

  FabricDsl gpu(String bdf, String parent, int smVersion) {
    sm.put(bdf, smVersion);
    return gpu(bdf, parent);
  }

  /** The compute capability of a GPU added before (sm 90 = Hopper). */
  FabricDsl sm(String gpu, int smVersion) {
    sm.put(gpu, smVersion);
    return this;
  }

  FabricDsl nic(String bdf, String parent, String rdmaName) {
    endpoint(bdf, parent, "0x15b3", "0x1021", "0x020700");
    rdma(rdmaName, bdf, RdmaDevice.Provider.HARDWARE);
    return this;
  }

  FabricDsl ethernet(String bdf, String parent) {
    endpoint(bdf, parent, "0x15b3", "0x1021", "0x020000");
    return this;
  }

  FabricDsl nvme(String bdf, String parent) {
    endpoint(bdf, parent, "0x144d", "0xa80a", "0x010802");
    return this;
  }

  FabricDsl rdma(String name, String bdf, RdmaDevice.Provider provider) {
    rdma.add(
        new RdmaDevice(
            name,
            bdf,
            provider,
            null,
            null,
            null,
            "1: CA",
            null,
            null,
            null,
            provider == RdmaDevice.Provider.SOFTWARE ? "eth0" : null,
            List.of()));
    return this;
  }

  FabricDsl nvlink(String a, String b, int count) {
    nvlinks.add(new NvLink(a, b, count, null));
    return this;
  }

  /** The PCI core's IOMMU-time ACS setting on these ports: SV, ReqRedir, CmpltRedir, UF. */
  FabricDsl redirect(String... bdfs) {
    for (String bdf : bdfs) {
      PciFunction f = fns.get(bdf);
      fns.put(bdf, f.withAcs(new Acs(Acs.PRESENT, CAPS, REDIRECT, null)));
    }
    return this;
  }

  /** The CPU unknown (lspci text, an NCCL file without a cpu element). */
  FabricDsl cpuUnknown() {
    cpu = null;
    return this;
  }

  /**
   * A virtual function of {@code pf}: a sibling of its PF in the tree (as sysfs nests it), of the
   * PF's kind, with {@code physfn} naming the PF.
   */
  FabricDsl vf(String bdf, String pf) {
    PciFunction p = fns.get(pf);
    fns.put(
        bdf,
        copy(
            p,
            bdf,
            p.numaNode(),
            new PciFunction.Sriov(pf, List.of(), null, null),
            new Acs(Acs.PRESENT, CAPS, OFF, null)));
    return this;
  }

  /** The NUMA node not in the report (sysfs numa_node -1). */
  FabricDsl numaUnknown(String... bdfs) {
    for (String bdf : bdfs) {
      PciFunction f = fns.get(bdf);
      fns.put(bdf, copy(f, bdf, null, f.sriov(), f.acs()));
    }
    return this;
  }

  private static PciFunction copy(
      PciFunction f, String bdf, Integer numa, PciFunction.Sriov sriov, Acs acs) {
    return new PciFunction(
        bdf,
        f.parent(),
        f.hostBridge(),
        f.vendorId(),
        f.deviceId(),
        f.subsystemVendorId(),
        f.subsystemDeviceId(),
        f.classCode(),
        f.revision(),
        f.vendorName(),
        f.deviceName(),
        f.kind(),
        f.portType(),
        f.portTypeSource(),
        f.driver(),
        numa,
        f.localCpulist(),
        f.iommu(),
        sriov,
        f.p2pmem(),
        f.link(),
        acs,
        f.config());
  }

  /** Config space unreadable (no root): ACS unknown. */
  FabricDsl acsUnknown(String... bdfs) {
    for (String bdf : bdfs) {
      fns.put(bdf, fns.get(bdf).withAcs(Acs.unknown()));
    }
    return this;
  }

  FabricDsl link(String bdf, double gts, int width, double maxGts, int maxWidth) {
    PciFunction f = fns.get(bdf);
    PciLink.LinkState cur = new PciLink.LinkState(gts, width);
    PciLink.LinkState max = new PciLink.LinkState(maxGts, maxWidth);
    fns.put(bdf, f.withLink(new PciLink(cur, max, max, cur, null, null)));
    return this;
  }

  private void endpoint(String bdf, String parent, String vendor, String device, String cls) {
    PciFunction p = fns.get(parent);
    add(bdf, parent, p.hostBridge(), vendor, device, cls, PortType.ENDPOINT, p.numaNode(), null);
  }

  private void add(
      String bdf,
      String parent,
      String hb,
      String vendor,
      String device,
      String cls,
      PortType type,
      Integer numa,
      PciLink link) {
    int c = Integer.parseInt(cls.substring(2), 16);
    int v = Integer.parseInt(vendor.substring(2), 16);
    DeviceKind kind = dev.fabricscope.sysfs.PciTopology.kind(c, v, type);
    Acs acs = new Acs(Acs.PRESENT, CAPS, OFF, null);
    fns.put(
        bdf,
        new PciFunction(
            bdf,
            parent,
            hb,
            vendor,
            device,
            null,
            null,
            cls,
            "0x00",
            null,
            null,
            kind,
            type,
            PciFunction.FROM_CONFIG,
            null,
            numa,
            null,
            null,
            null,
            null,
            link,
            acs,
            null));
  }

  Report build() {
    List<Gpu> gpus = new ArrayList<>();
    for (PciFunction f : fns.values()) {
      if (f.kind() == DeviceKind.GPU) {
        gpus.add(new Gpu(f.bdf(), null, null, null, f.numaNode(), sm.get(f.bdf())));
      }
    }
    Host host = new Host("synthetic", "6.12", "", "x86_64", cpu, List.of());
    return new Report(
        1,
        "synthetic",
        host,
        new ArrayList<>(fns.values()),
        rdma,
        List.of(),
        List.of(),
        gpus,
        nvlinks,
        List.of());
  }
}
