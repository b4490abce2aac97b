package dev.fabricscope.topology;

import static dev.fabricscope.topology.NvmlHostParts.bdf;
import static dev.fabricscope.topology.NvmlHostParts.endpoint;
import static dev.fabricscope.topology.NvmlHostParts.hostFn;
import static dev.fabricscope.topology.NvmlHostParts.nvml;
import static dev.fabricscope.topology.NvmlHostParts.port;
import static dev.fabricscope.topology.NvmlHostParts.rdma;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random hosts whose GPUs all carry the driver's NVML answers, for the cost and agreement tests of
 * the P2P verdicts (fifth security review: one report of 2,000 GPUs with {@code "nvml"} objects
 * cost minutes of server CPU). Each seed gives another topology: root buses whose first function is
 * an allow-listed host bridge, a same-bridge-only one, an unknown one, a Root Port, a function the
 * kernel does not accept, or none at all; endpoints straight on the root bus (as the review's
 * report), under Root Ports, under one or two levels of switches with or without ACS redirect;
 * multi-function endpoints; unknown NUMA nodes and root buses; Intel, AMD or unknown CPUs; a few
 * NVLink bonds; and NVML peer entries of every status, some naming absent GPUs or the GPU itself. A
 * test fixture, never shipped.
 */
public final class NvmlHosts {

  private NvmlHosts() {}

  /** Where endpoints can hang: a bus below {@code parent} with a number of free functions. */
  private static final class Point {
    final String parent;
    final String domain;
    final int bus;
    final int firstDev;
    final int slots;
    int used;

    Point(String parent, String domain, int bus, int firstDev, int slots) {
      this.parent = parent;
      this.domain = domain;
      this.bus = bus;
      this.firstDev = firstDev;
      this.slots = slots;
    }

    String next() {
      int k = used++;
      return bdf(domain, bus, firstDev + k / 8, k % 8);
    }
  }

  /**
   * A host of {@code gpus} GPUs (every one with NVML data, about a third with peer entries) and
   * {@code nics} hardware RDMA NICs (one with a software rxe device on it too), spread evenly over
   * {@code rootBuses} root buses (one PCI domain each).
   */
  public static Report manyGpus(String name, long seed, int gpus, int rootBuses, int nics) {
    Random rnd = new Random(seed);
    List<PciFunction> pci = new ArrayList<>();
    List<Boolean> isGpu = new ArrayList<>();
    for (int i = 0; i < gpus + nics; i++) {
      isGpu.add(i < gpus);
    }
    Collections.shuffle(isGpu, rnd);
    int perRoot = (gpus + nics + rootBuses - 1) / rootBuses;
    List<String> gpuBdfs = new ArrayList<>();
    List<Gpu> gpuList = new ArrayList<>();
    List<RdmaDevice> rdma = new ArrayList<>();
    int placed = 0;
    for (int r = 0; r < rootBuses; r++) {
      String domain = String.format("%04x", r);
      // a root bus unknown, as NCCL's topology files leave it: PHB or SYS by NUMA node alone
      String hb = rnd.nextInt(8) == 0 ? null : "pci" + domain + ":00";
      Integer numa = rnd.nextInt(8) == 0 ? null : r % 2;
      List<Point> points = rootBus(rnd, pci, domain, hb, numa, perRoot);
      for (int e = 0; e < perRoot && placed < gpus + nics; e++, placed++) {
        List<Point> free = points.stream().filter(p -> p.used < p.slots).toList();
        Point p = free.get(rnd.nextInt(free.size()));
        String bdf = p.next();
        pci.add(endpoint(rnd, bdf, p.parent, hb, isGpu.get(placed), numa));
        if (isGpu.get(placed)) {
          gpuBdfs.add(bdf);
        } else {
          rdma.add(rdma("mlx5_" + rdma.size(), bdf, RdmaDevice.Provider.HARDWARE));
          if (rdma.size() == 2) {
            rdma.add(rdma("rxe0", bdf, RdmaDevice.Provider.SOFTWARE));
          }
        }
      }
    }
    for (String g : gpuBdfs) {
      gpuList.add(
          new Gpu(g, "NVIDIA", "H100", "nvidia", null, 90).withNvml(nvml(rnd, g, gpuBdfs, true)));
    }
    List<NvLink> nvlinks = new ArrayList<>();
    for (int i = 0; i + 1 < gpuBdfs.size() && i < 6; i += 2) {
      nvlinks.add(new NvLink(gpuBdfs.get(i), gpuBdfs.get(i + 1), 1 + rnd.nextInt(18), null));
    }
    Host.Cpu cpu =
        switch (rnd.nextInt(4)) {
          case 0 -> new Host.Cpu("GenuineIntel", 6, 143, "Xeon", 128);
          case 1 -> new Host.Cpu("AuthenticAMD", 0x19, 1, "EPYC", 128);
          case 2 -> new Host.Cpu("AuthenticAMD", 0x15, 1, "Opteron", 32);
          default -> null;
        };
    Host host =
        new Host(
            name,
            "6.12.0",
            "",
            "x86_64",
            cpu,
            List.of(new Host.NumaNode(0, "0-63"), new Host.NumaNode(1, "64-127")));
    return new Report(
        Report.SCHEMA_VERSION,
        "sysfs",
        host,
        pci,
        rdma,
        List.of(),
        List.of(),
        gpuList,
        nvlinks,
        List.of());
  }

  /**
   * The review's shape with NICs far away: {@code gpus} GPUs straight on root buses of NUMA node 0
   * (256 functions a bus, empty NVML peer lists), then {@code nics} hardware RDMA NICs straight on
   * root buses of node 1, so that no GPU has a NIC closer than SYS and every GPU is compared with
   * every NIC by a rule that looks for the nearest.
   */
  public static Report flat(String name, int gpus, int nics) {
    List<PciFunction> pci = new ArrayList<>();
    List<Gpu> gpuList = new ArrayList<>();
    List<RdmaDevice> rdma = new ArrayList<>();
    Random rnd = new Random(0);
    int gpuBuses = (gpus + 255) / 256;
    for (int i = 0; i < gpus + nics; i++) {
      boolean gpu = i < gpus;
      int k = gpu ? i : i - gpus;
      String domain = String.format("%04x", (gpu ? 0 : gpuBuses) + k / 256);
      String bdf = bdf(domain, 0, (k % 256) / 8, k % 8);
      pci.add(endpoint(rnd, bdf, null, "pci" + domain + ":00", gpu, gpu ? 0 : 1));
      if (gpu) {
        gpuList.add(
            new Gpu(bdf, "NVIDIA", "H100", "nvidia", 0, 90)
                .withNvml(nvml(rnd, bdf, List.of(bdf), false)));
      } else {
        rdma.add(rdma("mlx5_" + k, bdf, RdmaDevice.Provider.HARDWARE));
      }
    }
    Host host =
        new Host(
            name,
            "6.12.0",
            "",
            "x86_64",
            new Host.Cpu("GenuineIntel", 6, 143, "Xeon", 128),
            List.of(new Host.NumaNode(0, "0-63"), new Host.NumaNode(1, "64-127")));
    return new Report(
        Report.SCHEMA_VERSION,
        "sysfs",
        host,
        pci,
        rdma,
        List.of(),
        List.of(),
        gpuList,
        List.of(),
        List.of());
  }

  /**
   * {@link #flat} where each GPU's NVML lists {@code peers} of the others (the next ones in PCI
   * order, wrapping; all of them when {@code peers} ≥ gpus − 1): the driver's peer pairs, which
   * {@code DRIVER_P2P_DISAGREES} judges one by one, grow with their product.
   */
  public static Report peered(String name, int gpus, int nics, int peers) {
    Report r = flat(name, gpus, nics);
    List<String> bdfs = r.gpus().stream().map(Gpu::pciFunction).toList();
    List<Gpu> out = new ArrayList<>();
    for (int i = 0; i < bdfs.size(); i++) {
      List<String> listed = new ArrayList<>();
      for (int k = 1; k <= Math.min(peers, gpus - 1); k++) {
        listed.add(bdfs.get((i + k) % gpus));
      }
      out.add(r.gpus().get(i).withNvml(NvmlHostParts.nvmlWithPeers(listed)));
    }
    return new Report(
        r.schemaVersion(),
        r.source(),
        r.host(),
        r.pci(),
        r.rdma(),
        r.net(),
        r.nvme(),
        out,
        r.nvlinks(),
        r.diagnostics());
  }

  /** The root bus's own functions, and the points below it where endpoints can go. */
  private static List<Point> rootBus(
      Random rnd, List<PciFunction> pci, String domain, String hb, Integer numa, int need) {
    List<Point> points = new ArrayList<>();
    int variant = rnd.nextInt(6);
    String hostBridge = bdf(domain, 0, 0, variant == 4 ? 1 : 0);
    switch (variant) {
      case 0, 4 -> pci.add(hostFn(hostBridge, hb, "0x2020", numa)); // 4: at 00.1, not accepted
      case 1 -> pci.add(hostFn(hostBridge, hb, "0x3c00", numa)); // same host bridge only
      case 2 -> pci.add(hostFn(hostBridge, hb, "0x1234", numa)); // not on the allow-list
      default -> {} // 3: the first Root Port represents the bus; 5: Root Ports absent (unknown)
    }
    int capacity = 0;
    if (variant != 5) {
      points.add(new Point(null, domain, 0, 8, 24 * 8));
      capacity += 24 * 8;
    }
    int bus = 1;
    // Root Ports at 01.0-07.0 below the endpoints of the bus itself (08.0 on); without those, more
    int lastPort = variant == 5 ? 31 : 7;
    for (int rp = 1; rp <= lastPort && (rp <= 2 || capacity < need); rp++) {
      String rpBdf = bdf(domain, 0, rp, 0);
      if (variant != 5) {
        pci.add(
            SyntheticHosts.fn(
                rpBdf,
                null,
                hb,
                "0x8086",
                "0x203" + (rp % 4),
                "0x060400",
                DeviceKind.BRIDGE,
                PortType.ROOT_PORT,
                numa,
                rnd.nextInt(4) == 0,
                null));
      }
      int perBus = need > 64 ? 8 : new int[] {1, 2, 8}[rnd.nextInt(3)];
      if (rnd.nextInt(3) == 0) {
        points.add(new Point(rpBdf, domain, bus++, 0, perBus));
        capacity += perBus;
        continue;
      }
      String usp = bdf(domain, bus++, 0, 0);
      pci.add(port(usp, rpBdf, hb, PortType.SWITCH_UPSTREAM, numa, false));
      int dspBus = bus++;
      boolean redirect = rnd.nextBoolean();
      int dsps = need > 64 ? 16 + rnd.nextInt(16) : 2 + rnd.nextInt(7);
      for (int d = 0; d < dsps; d++) {
        String dsp = bdf(domain, dspBus, d, 0);
        pci.add(port(dsp, usp, hb, PortType.SWITCH_DOWNSTREAM, numa, redirect));
        if (d == 0 && rnd.nextBoolean()) {
          // a second level of switch below the first port
          String usp2 = bdf(domain, bus++, 0, 0);
          pci.add(port(usp2, dsp, hb, PortType.SWITCH_UPSTREAM, numa, false));
          int bus2 = bus++;
          for (int d2 = 0; d2 < 2; d2++) {
            String dsp2 = bdf(domain, bus2, d2, 0);
            pci.add(port(dsp2, usp2, hb, PortType.SWITCH_DOWNSTREAM, numa, !redirect));
            points.add(new Point(dsp2, domain, bus++, 0, perBus));
            capacity += perBus;
          }
        } else {
          points.add(new Point(dsp, domain, bus++, 0, perBus));
          capacity += perBus;
        }
      }
    }
    return points;
  }
}
