package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.HwlocOracle;
import dev.fabricscope.oracle.HwlocOracle.OsDev;
import dev.fabricscope.oracle.NvidiaSmiTopoParser;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every name form {@code explain} accepts, on real fixtures, each checked against what another tool
 * says the name is: hwloc's lstopo for OS device names (the OS device's parent PCI object),
 * nvidia-smi for GPU labels and Bus-Ids, the same fixture's nvidia-smi NIC legend for NIC labels.
 */
class DeviceNamesTest {

  static Report sysfs(Path archive) throws Exception {
    try (var u = ArchiveExtractor.extract(archive)) {
      return new SysfsDiscovery().discover(u.sysfsRoot());
    }
  }

  static DeviceNames names(Report r) {
    return DeviceNames.of(new P2pAnalyzer(r));
  }

  /**
   * Names of the kinds explain takes: CUDA/NVML GPU, OpenFabrics, network and NVMe OS devices.
   * OpenCL names are checked on their own: hwloc places them by platform, not always below a PCI
   * object.
   */
  static boolean taken(OsDev d) {
    return d.parentBusid() != null
        && (d.name().matches("(cuda|nvml)\\d+|nvme\\d+n\\d+")
            || d.types().contains("OpenFabrics")
            || d.types().contains("Network"));
  }

  /** Each taken OS device of an lstopo XML resolves to the function lstopo put it under. */
  static int assertHwlocNamesResolve(DeviceNames names, Path lstopoXml) {
    int n = 0;
    for (OsDev d : HwlocOracle.fromXml(Fixtures.read(lstopoXml))) {
      if (taken(d)) {
        assertEquals(d.parentBusid(), names.resolve(d.name()).bdf(), d + " in " + lstopoXml);
        n++;
      }
    }
    return n;
  }

  @Test
  void h200NamesAreTheOnesLstopoAndNvidiaSmiGive() throws Exception {
    Path dir = Fixtures.root().resolve("gpu-hosts");
    DeviceNames names = names(sysfs(dir.resolve("h200-passthrough.tar.bz2")));
    // lstopo on the live host: eth0 below the virtio-net
    Path lstopo = dir.resolve("h200-passthrough.lstopo-whole-io.xml");
    int n = assertHwlocNamesResolve(names, lstopo);
    assertTrue(n >= 1, n + " OS devices");
    // lstopo's OpenCL device there is the NVIDIA platform's first GPU, an H200 (not placed on PCI)
    String xml = Fixtures.read(lstopo);
    assertTrue(
        xml.matches("(?s).*name=\"opencl1d0\".*?\"OpenCLPlatformName\" value=\"NVIDIA CUDA\".*"));
    // nvidia-smi -q: the GPU's Bus-Id, 8-digit domain as NVML prints it
    Matcher m =
        Pattern.compile("<pci_bus_id>([^<]+)</pci_bus_id>")
            .matcher(Fixtures.read(dir.resolve("h200-passthrough.nvidia-smi-q.xml")));
    assertTrue(m.find());
    String busId = m.group(1);
    assertEquals("00000000:00:06.0", busId);
    String gpu = names.resolve(busId).bdf();
    // nvidia-smi topo -m's only row, and hwloc's NVML/CUDA names for GPU 0, are that GPU
    var topo =
        NvidiaSmiTopoParser.parse(
            Fixtures.read(dir.resolve("h200-passthrough.nvidia-smi-topo-m.txt")));
    for (String name :
        List.of(topo.devices().get(0), "gpu0", "nvml0", "cuda0", "opencl1d0", "00:06.0")) {
      assertEquals(gpu, names.resolve(name).bdf(), name);
    }
    assertEquals(gpu, names.resolve("0000:00:06.0").bdf());
    // the virtio-net is no NIC: NIC0 names nothing, NET0 is its label
    assertEquals(names.resolve("eth0").bdf(), names.resolve("NET0").bdf());
    var e = assertThrows(DeviceNames.UnknownNameException.class, () -> names.resolve("NIC0"));
    assertTrue(e.getMessage().startsWith("no device 'NIC0': give a BDF"), e.getMessage());
    assertTrue(e.getMessage().contains("GPU0") && e.getMessage().contains("eth0"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
    assertThrows(DeviceNames.UnknownNameException.class, () -> names.resolve("mlx5_0"));
    assertThrows(DeviceNames.UnknownNameException.class, () -> names.resolve("cuda1"));
    // a hostile name is repeated cut to one line of 80 (the tenth review's 100,000 characters)
    String huge = "x\n".repeat(50_000);
    var cut = assertThrows(DeviceNames.UnknownNameException.class, () -> names.resolve(huge));
    assertTrue(cut.getMessage().startsWith("no device 'x\\x0ax"), cut.getMessage());
    assertTrue(cut.getMessage().contains("...': give a BDF"), cut.getMessage());
    assertTrue(cut.getMessage().length() < 1_000, "length " + cut.getMessage().length());
  }

  /** hwloc-gather archive with a ConnectX-3 (mlx4_0, IPoIB ib0), NVMe and Ethernet. */
  @Test
  void gatheredArchiveNamesEqualLstopos() throws Exception {
    String stem = "hwloc-32em64t-2n8c+dax+nvme+mic+dimms";
    DeviceNames names = names(sysfs(Fixtures.sysfs(stem + ".tar.bz2")));
    Path oracle = Fixtures.sysfs(stem + ".expected.xml");
    int n = assertHwlocNamesResolve(names, oracle);
    List<String> seen = new ArrayList<>();
    for (OsDev d : HwlocOracle.fromXml(Fixtures.read(oracle))) {
      if (taken(d)) {
        seen.add(d.name());
      }
    }
    assertTrue(seen.containsAll(List.of("mlx4_0", "ib0", "nvme0n1", "eth0")), seen + "");
    assertTrue(n >= 4);
    // the topo label of the HCA is the same device as its RDMA and IPoIB names
    assertEquals(names.resolve("mlx4_0").bdf(), names.resolve("NIC0").bdf());
    assertEquals(names.resolve("nvme0n1").bdf(), names.resolve("nvme0").bdf());
  }

  /** Lassen (hwloc XML): 4 V100 named cuda0..3 by hwloc, 2 dual-port ConnectX-5, 7 domains. */
  @Test
  void lassenLabelsRdmaAndCudaNames() throws Exception {
    Path f = Fixtures.root().resolve("hwloc-xml/llnl-lassen.xml");
    DeviceNames names = names(Importers.load(f));
    assertTrue(assertHwlocNamesResolve(names, f) >= 12);
    for (int i = 0; i < 4; i++) {
      assertEquals(names.resolve("cuda" + i).bdf(), names.resolve("GPU" + i).bdf());
      assertEquals(names.resolve("mlx5_" + i).bdf(), names.resolve("NIC" + i).bdf());
    }
    // lspci's short form names a function in each of several domains here
    var e = assertThrows(DeviceNames.UnknownNameException.class, () -> names.resolve("01:00.0"));
    assertTrue(e.getMessage().startsWith("'01:00.0' is ambiguous"), e.getMessage());
  }

  /** Chimera: one NVIDIA and one AMD GPU. Only the NVIDIA one is GPU0 (and nvml0, cuda0). */
  @Test
  void onlyTheNvidiaGpuIsGpuZero() throws Exception {
    Path f = Fixtures.root().resolve("hwloc-xml/llnl-chimera.xml");
    Report r = Importers.load(f);
    DeviceNames names = names(r);
    assertHwlocNamesResolve(names, f);
    Device gpu = names.resolve("GPU0");
    assertEquals(
        "0x10de",
        r.pci().stream()
            .filter(p -> p.bdf().equals(gpu.bdf()))
            .findFirst()
            .orElseThrow()
            .vendorId());
    assertThrows(DeviceNames.UnknownNameException.class, () -> names.resolve("GPU1"));
    assertTrue(names.layout().rows().stream().anyMatch(x -> x.label().startsWith("ACC")));
    // OpenCL numbers every vendor's GPUs on its own platform: with an AMD GPU present, no guess
    var e = assertThrows(DeviceNames.UnknownNameException.class, () -> names.resolve("opencl0d0"));
    assertTrue(e.getMessage().startsWith("'opencl0d0' is ambiguous"), e.getMessage());
  }

  /** Soft RoCE on the QEMU rig: rxe0 is its own entry on its NIC's function. */
  @Test
  void softwareRdmaResolvesToItsOwnEntry() throws Exception {
    DeviceNames names = names(sysfs(Fixtures.sysfs("qemu-rig-iommu.tar.gz")));
    Device rxe = names.resolve("rxe0");
    assertEquals("rxe0", rxe.rdma());
    assertEquals(rxe.key(), names.resolve("RDMA0").key(), "software RDMA labels in name order");
    assertEquals("rxe1", names.resolve("RDMA1").rdma());
    Device nvme = names.resolve("nvme0");
    assertNull(nvme.rdma());
    assertEquals(nvme.key(), names.resolve("NVME0").key());
  }
}
