package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A report of many GPUs each on a root bus of its own (fifteenth security review: 20,000 of them
 * made {@link FastMatrix} allocate a table of hostBridges² verdicts, 1.6 GB, in the fleet findings
 * of every host, and a 512 MiB server exited after each restart). The matrix now holds O(devices)
 * and the findings judge GPU/NIC distances only up to {@link FleetFindings#MAX_MATRIX_DEVICES}.
 */
class ManyHostBridgesTest {

  /** {@code n} GPUs, each the function 00.0 of a root bus of its own ({@code pciDDDD:BB}). */
  static Report gpusOnOwnHostBridges(int n) {
    FabricDsl b = FabricDsl.host();
    for (int i = 0; i < n; i++) {
      int dom = i / 256;
      int bus = i % 256;
      b.rcGpu(
          String.format("%04x:%02x:00.0", dom, bus), String.format("pci%04x:%02x", dom, bus), 0);
    }
    return b.build();
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void twentyThousandGpusOnTheirOwnHostBridgesGetOneNotAnalysedFinding() {
    Report r = gpusOnOwnHostBridges(20_000);
    long before = usedAfterGc();
    long start = System.nanoTime();
    List<Finding> out = FleetFindings.forHost("hb20000", r);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long after = usedAfterGc();
    List<Finding> nics = out.stream().filter(f -> f.rule().startsWith("GPU_")).toList();
    assertEquals(1, nics.size(), out.toString());
    Finding f = nics.get(0);
    assertEquals(FleetFindings.GPU_NIC_NOT_ANALYSED, f.rule());
    assertEquals(Severity.WARNING, f.severity());
    assertEquals(List.of(), f.devices());
    assertTrue(f.message().contains("20000 matrix devices (20000 GPUs)"), f.message());
    assertTrue(f.message().contains("unknown"), f.message());
    // the findings are kept per host: what they hold is small, whatever the report
    assertTrue(after - before < 16L << 20, (after - before) + " bytes retained");
    assertTrue(took.toSeconds() < 30, took.toString());
  }

  @Test
  void theMatrixOfTwentyThousandHostBridgesHoldsLinearMemoryAndAgrees() {
    P2pAnalyzer analyzer = new P2pAnalyzer(gpusOnOwnHostBridges(20_000));
    long before = usedAfterGc();
    FastMatrix m = new FastMatrix(analyzer);
    // a table per pair of root buses was 20,000² references: 1.6 GB
    Random random = new Random(15);
    for (int k = 0; k < 2_000; k++) {
      int i = random.nextInt(20_000);
      int j = random.nextInt(20_000);
      PairVerdict v = analyzer.pair(m.devices().get(i), m.devices().get(j));
      FastMatrix.Cell c = m.cell(i, j);
      assertEquals(v.kernel(), c.kernel(), i + "/" + j);
      assertEquals(v.nvidiaPcie(), c.nvidiaPcie(), i + "/" + j);
      assertEquals(v.nccl(), c.nccl(), i + "/" + j);
    }
    long after = usedAfterGc();
    assertTrue(after - before < 64L << 20, (after - before) + " bytes for the matrix");
    assertEquals(20_000, m.devices().size());
  }

  @Test
  void theBoundCountsMatrixDevicesBeforeAnyMatrix() {
    int max = FleetFindings.MAX_MATRIX_DEVICES;
    List<Finding> at = FleetFindings.forHost("h", gpusOnOwnHostBridges(max));
    List<Finding> over = FleetFindings.forHost("h", gpusOnOwnHostBridges(max + 1));
    // at the bound the rule runs: no NIC at all, so one info finding for every GPU
    Finding info = rule(at, FleetFindings.GPU_WITHOUT_CLOSE_NIC);
    assertEquals(Severity.INFO, info.severity());
    assertTrue(info.message().startsWith(max + " GPU(s) and no hardware RDMA NIC"), info.message());
    assertEquals(FleetFindings.MAX_DEVICES_LISTED, info.devices().size());
    assertTrue(at.stream().noneMatch(f -> f.rule().equals(FleetFindings.GPU_NIC_NOT_ANALYSED)));
    Finding not = rule(over, FleetFindings.GPU_NIC_NOT_ANALYSED);
    assertTrue(not.message().contains((max + 1) + " matrix devices"), not.message());
    assertTrue(over.stream().noneMatch(f -> f.rule().equals(FleetFindings.GPU_WITHOUT_CLOSE_NIC)));
  }

  @Test
  void aLargeHostWithoutGpusHasNothingUnknownForTheGpuRule() {
    FabricDsl b = FabricDsl.host().hostBridge("pci0000:00", "0x8086", "0x2020", 0);
    for (int i = 0; i < FleetFindings.MAX_MATRIX_DEVICES + 10; i++) {
      String rp = String.format("0000:00:%02x.%d", (i / 8) % 32, i % 8);
      String dev = String.format("%04x:01:00.0", i + 1);
      if (i < 256) {
        b.rootPort(rp, "pci0000:00", 0);
      }
      b.nvme(dev, String.format("0000:00:%02x.%d", ((i % 256) / 8) % 32, i % 8));
    }
    List<Finding> out = FleetFindings.forHost("nvme", b.build());
    assertTrue(out.stream().noneMatch(f -> f.rule().startsWith("GPU_")), out.toString());
  }

  private static Finding rule(List<Finding> findings, String rule) {
    List<Finding> of = findings.stream().filter(f -> f.rule().equals(rule)).toList();
    assertEquals(1, of.size(), rule + " in " + findings);
    return of.get(0);
  }
}
