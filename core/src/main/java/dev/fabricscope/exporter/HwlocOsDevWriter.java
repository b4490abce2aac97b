package dev.fabricscope.exporter;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OS devices and the NVLink matrix of {@link HwlocXmlExporter}. {@code osdev_type} uses the 2.x
 * enum (0 block, 1 GPU, 2 network, 3 OpenFabrics). GPUs are named as hwloc's backends name them
 * ({@code nvmlN} for NVIDIA, {@code rsmiN} for AMD, else {@code cardN}, N in BDF order); an NVMe
 * controller becomes the block device of its first namespace ({@code nvme0n1}: hwloc lists block
 * devices, not controllers, and the report does not list namespaces). NVLinks go into an {@code
 * NVLinkBandwidth} {@code distances2hetero} matrix in MB/s as hwloc's NVML backend writes it (p2p-
 * rules.md §4.1): the reported bandwidth, else 25,000 MB/s per link (20,000 for P100).
 */
final class HwlocOsDevWriter {

  private static final Set<String> P100 = Set.of("0x15f7", "0x15f8", "0x15f9");

  private final Report report;
  private final Map<String, String> gpuName = new HashMap<>();
  private final Set<String> withOsdev = new HashSet<>();

  /** BDF → "Type:gp_index" of the PCI object, and GPU BDF → "OSDev:gp_index" of its OS device. */
  private final Map<String, String> pciRef = new HashMap<>();

  private final Map<String, String> gpuRef = new HashMap<>();

  HwlocOsDevWriter(Report report) {
    this.report = report;
    int nv = 0;
    int amd = 0;
    int other = 0;
    for (PciFunction f : report.pci()) {
      if (f.kind() == DeviceKind.GPU) {
        String n =
            "0x10de".equals(f.vendorId())
                ? "nvml" + nv++
                : "0x1002".equals(f.vendorId()) ? "rsmi" + amd++ : "card" + other++;
        gpuName.put(f.bdf(), n);
        withOsdev.add(f.bdf());
      }
    }
    report.net().forEach(n -> add(n.pciFunction()));
    report.rdma().forEach(r -> add(r.pciFunction()));
    report.nvme().forEach(n -> add(n.pciFunction()));
  }

  private void add(String bdf) {
    if (bdf != null) {
      withOsdev.add(bdf);
    }
  }

  boolean has(String bdf) {
    return withOsdev.contains(bdf);
  }

  void remember(String bdf, String type, String gpIndex) {
    pciRef.put(bdf, type + ":" + gpIndex);
  }

  /** Writes the OS devices of a function; returns the next free gp_index. */
  int write(XmlWriter w, PciFunction f, int gp) {
    String bdf = f.bdf();
    if (gpuName.containsKey(bdf)) {
      gpuRef.put(bdf, "OSDev:" + gp);
      w.start("object", osdev(gp++, gpuName.get(bdf), 1));
      HwlocXmlExporter.info(w, "GPUVendor", f.vendorName());
      HwlocXmlExporter.info(w, "GPUModel", f.deviceName());
      w.end();
    }
    for (NetInterface n : report.net()) {
      if (bdf.equals(n.pciFunction())) {
        w.start("object", osdev(gp++, n.name(), 2));
        HwlocXmlExporter.info(w, "Address", n.address());
        w.end();
      }
    }
    for (RdmaDevice r : report.rdma()) {
      if (bdf.equals(r.pciFunction())) {
        w.start("object", osdev(gp++, r.name(), 3));
        HwlocXmlExporter.info(w, "NodeGUID", r.nodeGuid());
        HwlocXmlExporter.info(w, "SysImageGUID", r.sysImageGuid());
        for (RdmaDevice.Port p : r.ports()) {
          String port = "Port" + p.port();
          HwlocXmlExporter.info(
              w, port + "State", p.stateCode() == null ? null : String.valueOf(p.stateCode()));
          HwlocXmlExporter.info(w, port + "LID", p.lid());
          for (int i = 0; i < p.gids().size(); i++) {
            HwlocXmlExporter.info(w, port + "GID" + i, p.gids().get(i));
          }
        }
        w.end();
      }
    }
    for (NvmeController n : report.nvme()) {
      if (bdf.equals(n.pciFunction())) {
        w.start("object", osdev(gp++, n.name() + "n1", 0));
        HwlocXmlExporter.info(w, "Model", n.model());
        HwlocXmlExporter.info(w, "SerialNumber", n.serial());
        w.end();
      }
    }
    return gp;
  }

  private static String[] osdev(int gp, String name, int type) {
    return new String[] {
      "type",
      "OSDev",
      "gp_index",
      String.valueOf(gp),
      "name",
      name,
      "osdev_type",
      String.valueOf(type)
    };
  }

  /**
   * Most NVLink ends the NVLinkBandwidth matrix is written for. hwloc's matrix is dense (ends²
   * values); the largest real host has 28 ends (the DGX-2: 16 GPUs, 12 NVSwitches). A report of
   * 20,000 GPUs and 10,000 links, valid under the report limits, asked for a 3.2 GB matrix of a
   * viewer's {@code /export?format=hwloc-xml} (fifteenth security review); past this bound the
   * matrix is left out, as for a report without NVLinks, and the rest of the export stands.
   */
  static final int MAX_NVLINK_ENDS = 512;

  /** The NVLinkBandwidth matrix, when the report has NVLinks whose ends were both written. */
  void nvlinks(XmlWriter w) {
    Map<String, Integer> index = new LinkedHashMap<>();
    List<NvLink> links = new ArrayList<>();
    for (NvLink l : report.nvlinks()) {
      String a = ref(l.a());
      String b = ref(l.b());
      if (a == null || b == null || a.equals(b)) {
        continue; // an end outside the PCI tree (NCCL's virtual NVSwitches) or a self-link
      }
      index.putIfAbsent(a, index.size());
      index.putIfAbsent(b, index.size());
      links.add(l);
    }
    if (links.isEmpty() || index.size() > MAX_NVLINK_ENDS) {
      return;
    }
    int n = index.size();
    long[] m = new long[n * n];
    Set<String> p100 = new HashSet<>();
    for (var f : report.pci()) {
      if (P100.contains(f.deviceId())) {
        p100.add(f.bdf());
      }
    }
    for (NvLink l : links) {
      int i = index.get(ref(l.a()));
      int j = index.get(ref(l.b()));
      long bw =
          l.bandwidthGBps() != null
              ? Math.round(l.bandwidthGBps() * 1000)
              : (long) l.count() * (p100.contains(l.a()) || p100.contains(l.b()) ? 20_000 : 25_000);
      m[i * n + j] += bw;
      m[j * n + i] += bw;
    }
    w.start(
        "distances2hetero", "nbobjs", String.valueOf(n), "kind", "25", "name", "NVLinkBandwidth");
    chunks(w, "indexes", new ArrayList<>(index.keySet()));
    List<String> values = new ArrayList<>();
    for (long v : m) {
      values.add(String.valueOf(v));
    }
    chunks(w, "u64values", values);
    w.end();
  }

  /** The GPU's OS device, else the PCI object itself (an NVSwitch). */
  private String ref(String bdf) {
    return gpuRef.containsKey(bdf) ? gpuRef.get(bdf) : pciRef.get(bdf);
  }

  /** hwloc writes ten tokens per element, each followed by a space; length counts characters. */
  private static void chunks(XmlWriter w, String tag, List<String> tokens) {
    for (int i = 0; i < tokens.size(); i += 10) {
      StringBuilder sb = new StringBuilder();
      for (String t : tokens.subList(i, Math.min(tokens.size(), i + 10))) {
        sb.append(t).append(' ');
      }
      w.text(tag, sb.toString(), "length", String.valueOf(sb.length()));
    }
  }
}
