package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.NvmlHosts;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Fifth security review: one report of 2,000 GPUs, each with an {@code nvml} object (even with no
 * peers), cost minutes of server CPU in {@link FleetFindings#forHost} and {@link
 * FastMatrix#allPairs}: every pair of such GPUs took the full verdict, and a verdict through the
 * host bridge scanned every function for the root bus's representative (p2p-rules.md §2.3 {@code
 * rep(hb)}). Both must now be quick, and give the answers the old all-pairs code gave: checked
 * against that code (written out here) on random hosts of several seeds.
 */
class ManyNvmlGpusTest {

  private static final Duration BOUND = Duration.ofSeconds(10);

  @Test
  void twoThousandGpusWithNvmlAreQuick() {
    Report r = NvmlHosts.manyGpus("big", 7, 2000, 8, 64);
    assertEquals(2000, r.gpus().size());
    List<Finding> found =
        assertTimeoutPreemptively(BOUND, () -> FleetFindings.forHost("big", r), "forHost");
    assertTrue(
        found.stream().anyMatch(f -> f.rule().equals(FleetFindings.DRIVER_P2P_DISAGREES)),
        "the peer entries disagree somewhere");
    FastMatrix.Cell[] cells =
        assertTimeoutPreemptively(
            BOUND, () -> new FastMatrix(new P2pAnalyzer(r)).allPairs(), "allPairs");
    assertEquals(2065 * 2064 / 2, cells.length, "2,000 GPUs, 64 NICs and one rxe");
  }

  @Test
  void asManyNicsAsGpusAreQuick() {
    // GPU_WITHOUT_CLOSE_NIC looked at every GPU and NIC pair when no NIC is close, and the
    // findings have no device cap
    // findings have no device cap; 1,000 of each is the most FleetFindings.MAX_MATRIX_DEVICES lets
    // the rule judge
    Report r = NvmlHosts.flat("far", 1000, 1000);
    List<Finding> found =
        assertTimeoutPreemptively(BOUND, () -> FleetFindings.forHost("far", r), "forHost");
    List<Finding> far =
        found.stream().filter(f -> f.rule().equals(FleetFindings.GPU_WITHOUT_CLOSE_NIC)).toList();
    assertEquals(FleetFindings.MAX_PER_RULE, far.size(), "the rest folded into one");
    assertEquals(1000, far.stream().mapToLong(Finding::count).sum());
    assertTrue(found.get(found.size() - 1).message().contains("(nearest: SYS)"));
    // over the bound: one finding saying the rule did not run, as quickly
    Report over = NvmlHosts.flat("far", 3000, 3000);
    List<Finding> notAnalysed =
        assertTimeoutPreemptively(BOUND, () -> FleetFindings.forHost("far", over), "forHost")
            .stream()
            .filter(f -> f.rule().startsWith("GPU_"))
            .toList();
    assertEquals(1, notAnalysed.size(), notAnalysed.toString());
    assertEquals(FleetFindings.GPU_NIC_NOT_ANALYSED, notAnalysed.get(0).rule());
  }

  @Test
  void fastCellsAreTheFullVerdictsInEitherOrder() {
    int checked = 0;
    int withDriver = 0;
    for (long seed = 1; seed <= 8; seed++) {
      Report r = NvmlHosts.manyGpus("s" + seed, seed, 60, 1 + (int) (seed % 4), 8);
      P2pAnalyzer full = new P2pAnalyzer(r);
      FastMatrix fast = new FastMatrix(full);
      List<Device> d = fast.devices();
      for (int i = 0; i < d.size(); i++) {
        for (int j = 0; j < d.size(); j++) {
          if (i == j) {
            continue;
          }
          PairVerdict v = full.pair(d.get(i), d.get(j));
          FastMatrix.Cell c = fast.cell(i, j);
          String what = "seed " + seed + ": " + d.get(i) + " / " + d.get(j);
          assertEquals(v.kernel(), c.kernel(), what);
          assertEquals(v.nvidia(), c.nvidia(), what);
          assertEquals(v.nvidiaPcie(), c.nvidiaPcie(), what);
          assertEquals(v.nccl(), c.nccl(), what);
          assertEquals(v.driver(), c.driver(), what);
          assertEquals(v.bottleneck(), c.bottleneck(), what);
          checked++;
          withDriver += v.driver() == null ? 0 : 1;
        }
      }
    }
    assertTrue(checked > 8 * 60 * 60, checked + " pairs");
    assertTrue(withDriver > 50, withDriver + " pairs with a driver verdict");
  }

  @Test
  void findingsAreTheOldAllPairsFindings() {
    Set<String> rules = new TreeSet<>();
    Set<String> nearest = new TreeSet<>();
    for (long seed = 0; seed <= 12; seed++) {
      Report r =
          seed == 0
              ? NvmlHosts.flat("h0", 300, 20)
              : NvmlHosts.manyGpus("h" + seed, seed, 60, 1 + (int) (seed % 5), 1 + (int) seed);
      P2pAnalyzer analyzer = new P2pAnalyzer(r);
      List<Finding> expected = new ArrayList<>();
      List<Finding> actual = new ArrayList<>();
      oldGpuNics("h", analyzer, expected);
      HostRules.gpuNics("h", new FastMatrix(analyzer), actual);
      oldDriverDisagrees("h", analyzer, expected);
      HostRules.driverDisagrees("h", analyzer, actual);
      assertEquals(expected, actual, "seed " + seed);
      expected.forEach(f -> rules.add(f.rule() + " " + f.severity()));
      for (Finding f : expected) {
        int at = f.message().indexOf("nearest: ");
        if (at >= 0) {
          nearest.add(f.message().substring(at, f.message().indexOf(')', at)));
        }
      }
    }
    assertEquals(
        Set.of("nearest: PHB", "nearest: NODE", "nearest: SYS"),
        nearest,
        "every label a GPU's nearest NIC can have without one close");
    assertEquals(
        Set.of(
            FleetFindings.GPU_WITHOUT_CLOSE_NIC + " " + Severity.WARNING,
            FleetFindings.DRIVER_P2P_DISAGREES + " " + Severity.WARNING),
        rules,
        "both rules found something, so the comparison is not vacuous");
  }

  @Test
  void representativeIsTheOldScan() {
    for (long seed = 1; seed <= 12; seed++) {
      Report r = NvmlHosts.manyGpus("h", seed, 40, 6, 4);
      Fabric fabric = new Fabric(r);
      Set<String> buses = new TreeSet<>();
      r.pci().forEach(f -> buses.add(String.valueOf(f.hostBridge())));
      buses.add("pci7777:00");
      for (String hb : buses) {
        assertEquals(oldRepresentative(r, fabric, hb), fabric.representative(hb), hb);
      }
      assertEquals(new Fabric.Representative(null, false), fabric.representative(null));
    }
  }

  /** {@code Fabric.representative} before the fix: a scan of every function per call. */
  private static Fabric.Representative oldRepresentative(Report r, Fabric fabric, String hb) {
    String first = null;
    for (PciFunction f : r.pci()) {
      if (f.parent() == null && hb.equals(f.hostBridge())) {
        if (first == null || PciTopology.compareBdf(f.bdf(), first) < 0) {
          first = f.bdf();
        }
      }
    }
    if (first == null) {
      return new Fabric.Representative(null, false);
    }
    PciFunction f = fabric.function(first);
    return new Fabric.Representative(
        f, first.endsWith(":00.0") || f.portType() == PortType.ROOT_PORT);
  }

  /** {@code HostRules.gpuNics} before the fix: a full pair verdict per GPU and NIC. */
  private static void oldGpuNics(String host, P2pAnalyzer analyzer, List<Finding> out) {
    Fabric fabric = analyzer.fabric();
    List<Device> gpus = new ArrayList<>();
    List<Device> nics = new ArrayList<>();
    for (Device d : analyzer.devices()) {
      if (d.kind() == DeviceKind.GPU) {
        gpus.add(d);
      } else if (d.rdma() == null
          && FleetFindings.nicKind(d.kind())
          && fabric.rdmaOn(d.bdf()).stream().anyMatch(FleetFindings::hardwareRdma)) {
        nics.add(d);
      }
    }
    if (gpus.isEmpty() || nics.isEmpty()) {
      // the no-NIC finding does not depend on pair verdicts; the generated hosts have NICs
      return;
    }
    for (Device g : gpus) {
      SmiLabel best = null;
      for (Device n : nics) {
        SmiLabel label = analyzer.pair(g, n).nvidiaPcie();
        if (FleetFindings.close(label)) {
          best = null;
          break;
        }
        best = best == null || label.level().compareTo(best.level()) < 0 ? label : best;
      }
      if (best != null) {
        out.add(
            new Finding(
                FleetFindings.GPU_WITHOUT_CLOSE_NIC,
                Severity.WARNING,
                host,
                List.of(g.bdf()),
                "GPU "
                    + g.bdf()
                    + " has no RDMA NIC at PIX or PXB (nearest: "
                    + best
                    + "): NCCL turns GPUDirect RDMA off at PHB/SYS and stages through host"
                    + " memory",
                "place an HCA under the GPU's PCIe switch, or accept NCCL_NET_GDR_LEVEL=PHB"
                    + " if measured bandwidth allows"));
      }
    }
  }

  /** {@code HostRules.driverDisagrees} before the fix: every pair of GPUs the driver knows. */
  private static void oldDriverDisagrees(String host, P2pAnalyzer analyzer, List<Finding> out) {
    List<Device> gpus =
        analyzer.devices().stream().filter(d -> analyzer.driverKnows(d.bdf())).toList();
    for (int i = 0; i < gpus.size(); i++) {
      for (int j = i + 1; j < gpus.size(); j++) {
        PairVerdict v = analyzer.pair(gpus.get(i), gpus.get(j));
        List<Reason> why =
            v.reasons().stream().filter(x -> x.code().equals(Reason.DRIVER_DISAGREES)).toList();
        if (!why.isEmpty()) {
          out.add(
              new Finding(
                  FleetFindings.DRIVER_P2P_DISAGREES,
                  Severity.WARNING,
                  host,
                  List.of(v.a(), v.b()),
                  String.join("; ", why.stream().map(Reason::message).toList()),
                  why.stream().map(Reason::fix).filter(f -> f != null).findFirst().orElse(null)));
        }
      }
    }
  }
}
