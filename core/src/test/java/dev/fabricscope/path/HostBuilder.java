package dev.fabricscope.path;

import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.NvmeController;
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
 * Small hand-made hosts for the path model and planner tests: root ports on their own root bus,
 * switches, endpoints with a link speed and width each, ACS redirect, NUMA nodes, RDMA ports with a
 * line rate. Every link is given at both ends so capable = current unless set otherwise.
 */
public final class HostBuilder {

  private static final Acs.Bits CAPS = Acs.Bits.of(0x5f);

  private final Map<String, PciFunction> fns = new LinkedHashMap<>();
  private final List<RdmaDevice> rdma = new ArrayList<>();
  private final List<NvmeController> nvme = new ArrayList<>();
  private final List<NvLink> nvlinks = new ArrayList<>();
  private Host.Cpu cpu = new Host.Cpu("GenuineIntel", 6, 0x8f, "Xeon (Sapphire Rapids)", 64);
  private int numaNodes = 2;

  public static HostBuilder host() {
    return new HostBuilder();
  }

  public HostBuilder cpu(String vendor, int family, int model) {
    cpu = new Host.Cpu(vendor, family, model, vendor, 64);
    return this;
  }

  /** A root port that is the first function of its own root bus, on a NUMA node. */
  public HostBuilder rootPort(String bdf, int numa) {
    String hb = "pci" + bdf.substring(0, 7);
    return add(bdf, null, hb, "0x8086", "0x2030", "0x060400", PortType.ROOT_PORT, numa, 0, 0);
  }

  /** A switch upstream port with its uplink at this speed and width. */
  public HostBuilder switchUp(String bdf, String parent, double gts, int width) {
    return child(bdf, parent, "0x10b5", "0x9797", "0x060400", PortType.SWITCH_UPSTREAM, gts, width);
  }

  public HostBuilder switchDown(String bdf, String parent) {
    return child(bdf, parent, "0x10b5", "0x9797", "0x060400", PortType.SWITCH_DOWNSTREAM, 0, 0);
  }

  public HostBuilder gpu(String bdf, String parent, double gts, int width) {
    return child(bdf, parent, "0x10de", "0x2330", "0x030200", PortType.ENDPOINT, gts, width);
  }

  /** A NIC with an RDMA device of one port at this line rate (Gb/s). */
  public HostBuilder nic(
      String bdf, String parent, double gts, int width, String name, double rateGbps) {
    child(bdf, parent, "0x15b3", "0x1021", "0x020700", PortType.ENDPOINT, gts, width);
    RdmaDevice.Port port =
        new RdmaDevice.Port(
            1,
            "ACTIVE",
            4,
            "LinkUp",
            5,
            rateGbps,
            null,
            "InfiniBand",
            null,
            null,
            List.of(),
            List.of());
    rdma.add(
        new RdmaDevice(
            name,
            bdf,
            RdmaDevice.Provider.HARDWARE,
            null,
            null,
            null,
            "1: CA",
            null,
            null,
            null,
            null,
            List.of(port)));
    return this;
  }

  public HostBuilder nvme(String bdf, String parent, double gts, int width, String name) {
    child(bdf, parent, "0x144d", "0xa80a", "0x010802", PortType.ENDPOINT, gts, width);
    nvme.add(new NvmeController(name, bdf, "test", "s-" + name, "1", "pcie", null));
    return this;
  }

  /** ACS P2P request/completion redirect on these ports (what an IOMMU host sets, §2.4). */
  public HostBuilder redirect(String... bdfs) {
    for (String b : bdfs) {
      fns.put(b, fns.get(b).withAcs(new Acs(Acs.PRESENT, CAPS, Acs.Bits.of(0x1d), null)));
    }
    return this;
  }

  /** The link of a function trained at less than its capable speed/width. */
  public HostBuilder trained(String bdf, double gts, int width) {
    PciFunction f = fns.get(bdf);
    PciLink l = f.link();
    PciLink.LinkState cur = new PciLink.LinkState(gts, width);
    fns.put(bdf, f.withLink(new PciLink(cur, l.max(), l.capability(), cur, l.upstream(), null)));
    return this;
  }

  public HostBuilder nvlink(String a, String b, int count) {
    nvlinks.add(new NvLink(a, b, count, null));
    return this;
  }

  private HostBuilder child(
      String bdf, String parent, String v, String d, String cls, PortType t, double gts, int w) {
    PciFunction p = fns.get(parent);
    return add(bdf, parent, p.hostBridge(), v, d, cls, t, p.numaNode(), gts, w);
  }

  private HostBuilder add(
      String bdf,
      String parent,
      String hb,
      String vendor,
      String device,
      String cls,
      PortType type,
      int numa,
      double gts,
      int width) {
    DeviceKind kind =
        PciTopology.kind(
            Integer.parseInt(cls.substring(2), 16),
            Integer.parseInt(vendor.substring(2), 16),
            type);
    PciLink link = null;
    if (width > 0) {
      PciLink.LinkState s = new PciLink.LinkState(gts, width);
      link = new PciLink(s, s, s, s, new PciLink.Upstream(parent, s, s), null);
    }
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
            new Acs(Acs.PRESENT, CAPS, Acs.Bits.of(0), null),
            new PciFunction.ConfigInfo(4096, true, 256, 512, 512, null)));
    return this;
  }

  public Report build() {
    List<Gpu> gpus = new ArrayList<>();
    for (PciFunction f : fns.values()) {
      if (f.kind() == DeviceKind.GPU) {
        gpus.add(new Gpu(f.bdf(), "NVIDIA", "H100", "nvidia", f.numaNode(), 90));
      }
    }
    List<Host.NumaNode> nodes = new ArrayList<>();
    for (int i = 0; i < numaNodes; i++) {
      nodes.add(new Host.NumaNode(i, ""));
    }
    Host host = new Host("test", "6.12", "", "x86_64", cpu, nodes);
    return new Report(
        Report.SCHEMA_VERSION,
        "synthetic",
        host,
        new ArrayList<>(fns.values()),
        rdma,
        List.of(),
        nvme,
        gpus,
        nvlinks,
        List.of());
  }
}
