package dev.fabricscope.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The driver's answers merged into a report, on the DGX-2 as hwloc saw it: NVLinks the driver
 * reports per link become the same bonds hwloc's NVLinkBandwidth gives; absent NVML and unknown
 * GPUs are diagnostics.
 */
class NvmlMergeTest {

  private static final Report DGX2 = load();

  private static Report load() {
    try {
      return Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static NvmlGpu gpu(String cc, List<NvmlLink> links) {
    return NvmlGpus.of("Tesla V100", cc, links, List.of());
  }

  /** One NVLink per link of every hwloc bond of the GPU, as the driver answers link by link. */
  private static List<NvmlLink> driverLinks(String bdf) {
    List<NvmlLink> out = new ArrayList<>();
    for (NvLink l : DGX2.nvlinks()) {
      if (l.a().equals(bdf) || l.b().equals(bdf)) {
        String peer = l.a().equals(bdf) ? l.b() : l.a();
        for (int k = 0; k < l.count(); k++) {
          out.add(new NvmlLink(out.size(), true, 2, peer, "nvswitch"));
        }
      }
    }
    out.add(new NvmlLink(out.size(), false, 2, "0000:ff:00.0", "nvswitch")); // a link down
    return out;
  }

  @Test
  void everyGpusLinksBecomeHwlocsBonds() {
    Map<String, NvmlGpu> gpus = new LinkedHashMap<>();
    for (Gpu g : DGX2.gpus()) {
      gpus.put(g.pciFunction(), gpu("7.0", driverLinks(g.pciFunction())));
    }
    assertEquals(16, gpus.size(), "DGX-2: 16 V100");
    Report merged = NvmlMerge.apply(DGX2, gpus, null);
    assertEquals(
        new java.util.HashSet<>(bonds(DGX2.nvlinks())),
        new java.util.HashSet<>(bonds(merged.nvlinks())));
    for (Gpu g : merged.gpus()) {
      assertEquals(70, g.sm(), g.pciFunction());
      assertEquals("Tesla V100", g.nvml().productName());
    }
  }

  private static List<List<Object>> bonds(List<NvLink> links) {
    List<List<Object>> out = new ArrayList<>();
    for (NvLink l : links) {
      out.add(List.of(l.a(), l.b(), l.count()));
    }
    return out;
  }

  @Test
  void aGpuGpuBondIsCountedOnce() {
    Map<String, NvmlGpu> gpus = new LinkedHashMap<>();
    gpus.put("0000:01:00.0", gpu("9.0", List.of(new NvmlLink(0, true, 4, "0000:02:00.0", "gpu"))));
    gpus.put("0000:02:00.0", gpu("9.0", List.of(new NvmlLink(0, true, 4, "0000:01:00.0", "gpu"))));
    assertEquals(
        List.of(new NvLink("0000:01:00.0", "0000:02:00.0", 1, null)),
        NvmlMerge.nvlinks(gpus, List.of()));
  }

  @Test
  void absentNvmlIsADiagnosticAndChangesNothingElse() {
    Report r = NvmlMerge.apply(DGX2, Map.of(), "libnvidia-ml not found");
    assertEquals(DGX2.gpus(), r.gpus());
    assertSame(DGX2.nvlinks(), r.nvlinks());
    Diagnostic last = r.diagnostics().get(r.diagnostics().size() - 1);
    assertEquals(new Diagnostic("nvml", "nvml: absent (libnvidia-ml not found)"), last);
  }

  @Test
  void aGpuTheTreeDoesNotHaveIsADiagnostic() {
    Report r = NvmlMerge.apply(DGX2, Map.of("0000:ee:00.0", gpu("7.0", List.of())), null);
    assertTrue(
        r.diagnostics().stream()
            .anyMatch(d -> d.reason().contains("GPU at 0000:ee:00.0 that the PCI tree")));
    assertTrue(r.gpus().stream().allMatch(g -> g.nvml() == null));
    assertSame(DGX2.nvlinks(), r.nvlinks(), "no driver links: hwloc's stay");
  }

  @Test
  void smFromTheComputeCapability() {
    assertEquals(90, gpu("9.0", List.of()).sm());
    assertEquals(75, gpu("7.5", List.of()).sm());
    assertNull(gpu(null, List.of()).sm());
    assertNull(gpu("x", List.of()).sm());
  }
}
