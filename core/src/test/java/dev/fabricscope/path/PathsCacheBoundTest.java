package dev.fabricscope.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.DevicePair;
import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.p2p.KernelP2pRules;
import dev.fabricscope.p2p.NvidiaSmiRules;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pair cache of {@link Paths}: it kept every pair asked for, N² paths for an N-device matrix
 * ({@code topo}, {@code /p2p}, the pair verdicts). It keeps the {@link Paths#MAX_CACHED_PAIRS} most
 * recently used, and a path built again after it left is the same path.
 */
class PathsCacheBoundTest {

  private static List<String> endpoints(Report r) {
    return r.pci().stream()
        .filter(f -> f.portType() == PortType.ENDPOINT)
        .map(PciFunction::bdf)
        .toList();
  }

  @Test
  void everyPairOfABigReportStaysWithinTheBound() {
    Report r = SyntheticHosts.nestedSwitches("big", 300);
    Fabric fabric = new Fabric(r);
    List<Device> devices = new P2pAnalyzer(r).devices();
    assertTrue(devices.size() >= 300, devices.size() + " devices");
    // every pair's kernel verdict and nvidia-smi label, as topo takes them: 90,000 paths
    KernelP2pRules kernel = new KernelP2pRules(fabric);
    NvidiaSmiRules smi = new NvidiaSmiRules(fabric);
    for (Device a : devices) {
      for (Device b : devices) {
        if (a != b) {
          kernel.rule(DevicePair.of(fabric, a, b));
          smi.pcieLabel(a.bdf(), b.bdf());
        }
      }
    }
    int cached = fabric.paths().cachedPairs();
    assertTrue(cached <= Paths.MAX_CACHED_PAIRS, cached + " pair paths cached");
    assertEquals(Paths.MAX_CACHED_PAIRS, cached, "and it is used up to its bound");
  }

  @Test
  void aHostWithinTheBoundKeepsEveryPair() {
    Report r = SyntheticHosts.nestedSwitches("small", 40);
    Paths paths = new Fabric(r).paths();
    List<String> e = endpoints(r);
    for (String a : e) {
      for (String b : e) {
        paths.path(a, b);
      }
    }
    assertEquals(e.size() * e.size(), paths.cachedPairs());
    Path kept = paths.path(e.get(0), e.get(1));
    for (String b : e) {
      paths.path(e.get(2), b); // all kept: nothing evicted
    }
    assertTrue(kept == paths.path(e.get(0), e.get(1)), "a kept path is the same instance");
  }

  /**
   * Generated hosts and access sequences (pairs repeated and revisited after they were pushed out):
   * the cache never holds more than its bound, and every answer equals the path a fresh model
   * builds.
   */
  @Test
  void generatedAccessesStayBoundedAndAnswerTheSamePaths() {
    Random rnd = new Random(20261207);
    for (int run = 0; run < 12; run++) {
      Report r = SyntheticHosts.nestedSwitches("g" + run, 20 + rnd.nextInt(280));
      List<String> e = endpoints(r);
      Paths paths = new Fabric(r).paths();
      for (int step = 0; step < 30_000; step++) {
        String a = e.get(rnd.nextInt(e.size()));
        String b = e.get(rnd.nextInt(e.size()));
        Path p = paths.path(a, b);
        if (step % 97 == 0) {
          assertEquals(new Fabric(r).paths().path(a, b), p, a + " " + b);
        }
        assertTrue(paths.cachedPairs() <= Paths.MAX_CACHED_PAIRS, "run " + run);
      }
    }
  }
}
