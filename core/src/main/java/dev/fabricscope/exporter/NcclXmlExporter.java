package dev.fabricscope.exporter;

import dev.fabricscope.importer.NcclXmlImporter;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes NCCL's topology XML ({@code <system version="1">}, p2p-rules.md §4.8): the file a VM or
 * container is given as {@code NCCL_TOPO_FILE} so NCCL sees the host's real PCIe tree.
 *
 * <p>Shape as NCCL builds it from sysfs (§4.3): one {@code cpu} per NUMA node (devices with an
 * unknown node go to {@code numaid="-1"}); GPUs and NICs/HCAs only; a {@code pci} node per PCIe
 * switch keyed by its upstream port, found by going up two levels from a device (skipping the
 * downstream port); root ports never appear, so a device on a root port hangs off its {@code cpu}.
 * {@code link_speed}/{@code link_width} are min(device max, upstream port max) in the kernel's
 * string form ({@code "16.0 GT/s PCIe"}), empty and 0 when unknown as NCCL writes them; for hosts
 * imported from hwloc XML they are read from {@code pci_link_speed} ({@link HwlocLinkSpeed}). GPUs
 * get {@code gpu dev rank gdr="1"} (dev and rank in BDF order, {@code sm} only when known: NCCL
 * fills missing attributes from the local GPU) and one {@code nvlink} per bonded set, GPU↔GPU sets
 * under both GPUs because NCCL adds one direction per element. NICs get {@code nic}/{@code net} per
 * port of each non-software RDMA device (rxe/siw are left out: NCCL detects them itself and they
 * cannot do GPUDirect RDMA, §2.6), speed in Mb/s from the port rate.
 */
public final class NcclXmlExporter {

  private static final String GPU_CLASS = "0x030200";
  private static final String NVIDIA = "0x10de";
  private static final String NVSWITCH_CLASS = "0x068000";

  private static final PciFunction PLACEHOLDER =
      new PciFunction(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null, null);

  private final Report report;
  private final boolean fromNcclFile;
  private final Map<String, PciFunction> byBdf = new HashMap<>();
  private final Map<String, List<String>> children = new TreeMap<>();
  private final Map<String, Integer> gpuIndex = new HashMap<>();
  private int netIndex;
  private Map<Integer, String> affinities; // by NUMA node id, made at the first cpu element
  private final java.util.Set<String> left;

  private NcclXmlExporter(Report report, java.util.Set<String> left) {
    this.report = report;
    this.left = java.util.Set.copyOf(left);
    // every pci element of an NCCL file was written by its author: all are written back
    this.fromNcclFile = NcclXmlImporter.SOURCE.equals(report.source());
    report.pci().forEach(f -> byBdf.put(f.bdf(), f));
  }

  /** The NCCL topology XML of a report. */
  public static String write(Report report) {
    return new NcclXmlExporter(report, java.util.Set.of()).build();
  }

  /**
   * The NCCL topology XML of a report without the GPUs and NICs {@code left} names (BDFs): the file
   * for a job that should see only part of the host, such as the NICs a pairing chose ({@code
   * PairingTopology}). Switches that keep no device are left out as NCCL's detection would.
   */
  public static String write(Report report, java.util.Set<String> left) {
    return new NcclXmlExporter(report, left).build();
  }

  private String build() {
    List<PciFunction> gpus = new ArrayList<>();
    List<String> endpoints = new ArrayList<>();
    java.util.Set<String> parents = new java.util.HashSet<>();
    report.pci().forEach(f -> parents.add(f.parent()));
    for (PciFunction f : report.pci()) {
      boolean vf = f.sriov() != null && f.sriov().physfn() != null;
      boolean nvidiaGpu = f.kind() == DeviceKind.GPU && !vf && NVIDIA.equals(f.vendorId());
      if (left.contains(f.bdf())) {
        continue;
      }
      if (nvidiaGpu) {
        gpus.add(f); // NCCL sees CUDA devices only: another vendor's GPU is not in it at all
      }
      if (fromNcclFile ? !parents.contains(f.bdf()) : nvidiaGpu || !nets(f.bdf()).isEmpty()) {
        // NCCL lists the NICs its network plugin uses: RDMA devices; a plain Ethernet function
        // (the H200 host's virtio-net) is no pci element of its dump
        endpoints.add(f.bdf());
      }
    }
    gpus.forEach(g -> gpuIndex.put(g.bdf(), gpuIndex.size()));
    // numa node → top-level nodes; every node → its NCCL children
    Map<Integer, List<String>> tops = new TreeMap<>();
    for (String e : endpoints) {
      String node = e;
      while (true) {
        String sw = NcclSwitches.switchParent(byBdf, node);
        if (sw == null) {
          tops.computeIfAbsent(numa(node), k -> new ArrayList<>());
          if (!tops.get(numa(node)).contains(node)) {
            tops.get(numa(node)).add(node);
          }
          break;
        }
        List<String> kids = children.computeIfAbsent(sw, k -> new ArrayList<>());
        if (kids.contains(node)) {
          break; // the rest of the chain is known already
        }
        kids.add(node);
        node = sw;
      }
    }
    Host host = report.host();
    for (Host.NumaNode n :
        host == null || !fromNcclFile ? List.<Host.NumaNode>of() : host.numaNodes()) {
      // NCCL's detection makes a cpu element per NUMA node a GPU or NIC hangs below (the H200
      // dump has one, numaid -1); a file it was given keeps its cpu elements
      tops.putIfAbsent(n.id(), new ArrayList<>());
    }
    if (tops.isEmpty()) {
      tops.put(-1, new ArrayList<>());
    }
    XmlWriter w = XmlWriter.withoutDeclaration(); // NCCL refuses a declaration
    w.start("system", "version", "1");
    boolean first = true;
    for (var e : tops.entrySet()) {
      cpu(w, e.getKey(), e.getValue(), first);
      first = false;
    }
    return w.end().done();
  }

  private void cpu(XmlWriter w, int numa, List<String> nodes, boolean first) {
    Host host = report.host();
    Host.Cpu cpu = host == null ? null : host.cpu();
    if (affinities == null) {
      affinities = host == null ? Map.of() : NcclAttributes.cpuAffinities(host);
    }
    String affinity = affinities.get(numa);
    w.start(
        "cpu",
        "numaid",
        String.valueOf(numa),
        "affinity",
        affinity,
        "arch",
        NcclNets.arch(host == null ? null : host.architecture()),
        "vendor",
        cpu == null ? null : cpu.vendor(),
        "familyid",
        cpu == null || cpu.family() == null ? null : String.valueOf(cpu.family()),
        "modelid",
        cpu == null || cpu.model() == null ? null : String.valueOf(cpu.model()));
    nodes.sort(PciTopology::compareBdf);
    for (String bdf : nodes) {
      pci(w, bdf);
    }
    if (first) {
      // RDMA devices without a PCI function (NCCL files list such nets straight under a cpu)
      for (RdmaDevice d : report.rdma()) {
        if (d.pciFunction() == null && d.provider() != RdmaDevice.Provider.SOFTWARE) {
          nic(w, List.of(d));
        }
      }
    }
    w.end();
  }

  private void pci(XmlWriter w, String bdf) {
    // a switch port named by a device path but absent from the report: only its busid is known
    PciFunction f = byBdf.getOrDefault(bdf, PLACEHOLDER);
    String[] link = NcclAttributes.link(f, fromNcclFile);
    String[] attrs = {
      "busid",
      bdf,
      "class",
      f == PLACEHOLDER ? "0x060400" : NcclAttributes.pciClass(f),
      "vendor",
      f.vendorId(),
      "device",
      f.deviceId(),
      "subsystem_vendor",
      f.subsystemVendorId(),
      "subsystem_device",
      f.subsystemDeviceId(),
      "link_speed",
      link[0],
      "link_width",
      link[1]
    };
    List<String> kids = new ArrayList<>(children.getOrDefault(bdf, List.of()));
    List<RdmaDevice> nets = nets(bdf);
    boolean gpu = gpuIndex.containsKey(bdf);
    if (kids.isEmpty() && nets.isEmpty() && !gpu) {
      w.empty("pci", attrs);
      return;
    }
    w.start("pci", attrs);
    if (gpu) {
      gpu(w, bdf);
    }
    if (!nets.isEmpty()) {
      nic(w, nets);
    }
    kids.sort(PciTopology::compareBdf);
    for (String k : kids) {
      pci(w, k);
    }
    w.end();
  }

  private void gpu(XmlWriter w, String bdf) {
    String dev = String.valueOf(gpuIndex.get(bdf));
    Integer sm =
        report.gpus().stream()
            .filter(g -> bdf.equals(g.pciFunction()))
            .map(Gpu::sm)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
    String[] attrs = {
      "dev", dev, "sm", sm == null ? null : String.valueOf(sm), "rank", dev, "gdr", "1"
    };
    List<String[]> links = new ArrayList<>();
    for (NvLink l : report.nvlinks()) {
      // listed under both GPUs of a GPU↔GPU bond; NVSwitches have no gpu element
      String target = bdf.equals(l.a()) ? l.b() : bdf.equals(l.b()) ? l.a() : null;
      if (target == null) {
        continue;
      }
      links.add(
          new String[] {
            "target", target, "count", String.valueOf(l.count()), "tclass", targetClass(target)
          });
    }
    if (links.isEmpty()) {
      w.empty("gpu", attrs);
      return;
    }
    w.start("gpu", attrs);
    links.forEach(a -> w.empty("nvlink", a));
    w.end();
  }

  /**
   * NCCL's {@code tclass}: the target's sysfs class, or NVSwitch's when it cannot be read (xml.cc:
   * "Could not get device class for NVLink target, assuming NVSwitch"). A hwloc NVSwitch whose ids
   * hwloc could not read (DGX-2: {@code 0000 [0000:0000]}) has an unknown class.
   */
  private String targetClass(String bdf) {
    PciFunction f = byBdf.get(bdf);
    // vendor 0x0000 belongs to no one: hwloc wrote zeros for a device it could not read
    boolean unread = f == null || "0x0000".equals(f.vendorId());
    String cls = unread ? null : NcclAttributes.pciClass(f);
    if (cls != null) {
      return cls;
    }
    return gpuIndex.containsKey(bdf) ? GPU_CLASS : NVSWITCH_CLASS;
  }

  private void nic(XmlWriter w, List<RdmaDevice> devices) {
    netIndex = NcclNets.write(w, devices, netIndex);
  }

  private List<RdmaDevice> nets(String bdf) {
    return report.rdma().stream()
        .filter(d -> bdf.equals(d.pciFunction()) && d.provider() != RdmaDevice.Provider.SOFTWARE)
        .toList();
  }

  private int numa(String bdf) {
    PciFunction f = byBdf.get(bdf);
    return f == null || f.numaNode() == null ? -1 : f.numaNode();
  }
}
