package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent NVMe reads on the rig as the kernel saw it ({@code qemu-rig-plain}): every link there
 * trained at 2.5 GT/s x1 (lspci-vvv.txt LnkSta), so 2.5 Gb/s x 8/10 (8b/10b) / 8 = 0.25 GB/s raw
 * per direction; nvme-read's efficiency is 0.88 of raw. Numbers below are that arithmetic, by hand.
 */
class FlowExpectationsTest {

  static Report rig;

  @BeforeAll
  static void discover() throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-plain.tar.gz"))) {
      rig = new SysfsDiscovery().discover(u.sysfsRoot());
    }
  }

  private static BandwidthSpec read(String source, String... more) {
    return BandwidthSpec.of(
        BandwidthKind.NVME_READ,
        Endpoint.parse(source),
        Endpoint.numa(0),
        64L << 20,
        5,
        null,
        1,
        false,
        java.util.Arrays.stream(more).map(BandwidthFlow::parse).toList());
  }

  private static List<Expectation> expect(BandwidthSpec spec) {
    return new FlowExpectations(Efficiencies.DEFAULTS).expect(spec, rig, PlanOptions.DEFAULTS);
  }

  @Test
  void twoReadsBehindTheSwitchShareItsUplinkEqually() {
    List<Expectation> e = expect(read("0000:03:00.0", "0000:04:00.0=numa:0"));
    // each gets half of the shared 0.25 GB/s link: 0.125 x 0.88 = 0.11
    assertEquals(0.11, e.get(0).gbps());
    assertEquals(0.11, e.get(1).gbps());
    // the link both cross: the switch's uplink (01:00.0 under 00:10.0) or the root port's own
    Set<String> shared = Set.of("0000:00:10.0-0000:01:00.0", "pci0000:00-0000:00:10.0");
    assertTrue(shared.contains(e.get(0).bottleneck()), e.get(0).bottleneck());
    assertTrue(e.get(0).basis().contains("2 of 2 flows"), e.get(0).basis());
  }

  @Test
  void oneReadAloneExpectsWhatTheSingleFlowExpectationSays() {
    BandwidthSpec one = read("0000:03:00.0");
    // 0.25 x 0.88 = 0.22, from the planner and from Expectations alike
    assertEquals(0.22, expect(one).get(0).gbps());
    assertEquals(0.22, new Expectations(Efficiencies.DEFAULTS).expect(one, rig, rig, null).gbps());
  }

  @Test
  void readsUnderDifferentRootPortsShareNothing() {
    // 08:00.0 sits on root port 00:12.0, 03:00.0 behind 00:10.0: each keeps 0.25 x 0.88
    List<Expectation> e = expect(read("0000:03:00.0", "0000:08:00.0=numa:0"));
    assertEquals(0.22, e.get(0).gbps());
    assertEquals(0.22, e.get(1).gbps());
  }

  @Test
  void aControllerNotInTheReportExpectsNothing() {
    List<Expectation> e = expect(read("0000:03:00.0", "0000:5e:00.0=numa:0"));
    assertNull(e.get(0).gbps());
    assertTrue(e.get(1).basis().contains("0000:5e:00.0"), e.get(1).basis());
    assertNull(
        new FlowExpectations(Efficiencies.DEFAULTS)
            .expect(read("0000:03:00.0"), null, null)
            .get(0)
            .gbps());
  }

  @Test
  void twoCopiesWithinANodeShareItsMeasuredMemoryAndExpectNothingWithoutIt() {
    BandwidthSpec copies =
        BandwidthSpec.of(
            BandwidthKind.HOST_MEMCPY,
            Endpoint.numa(0),
            Endpoint.numa(0),
            1 << 20,
            3,
            null,
            1,
            false,
            List.of(BandwidthFlow.parse("numa:0=numa:0")));
    // node 0 measured at 20 GB/s per direction: each copy reads and writes it, half each
    List<Expectation> e =
        new FlowExpectations(Efficiencies.DEFAULTS)
            .expect(copies, rig, new PlanOptions(null, null, java.util.Map.of(0, 20.0)));
    assertEquals(10.0, e.get(0).gbps());
    assertEquals(10.0, e.get(1).gbps());
    Expectation unknown = expect(copies).get(0);
    assertNull(unknown.gbps());
    assertTrue(unknown.basis().startsWith("no host memory bandwidth measured"), unknown.basis());
  }

  @Test
  void theResultSumsTheFlowsPassByPass() {
    BandwidthSpec s = read("0000:03:00.0", "0000:04:00.0=numa:0");
    BandwidthResult r =
        BandwidthResult.ofFlows(
            s,
            List.of(List.of(0.10, 0.12, 0.11), List.of(0.09, 0.13, 0.10)),
            "fabricscope-nvme-read 2",
            expect(s),
            Efficiencies.DEFAULTS);
    assertEquals(List.of(0.19, 0.25, 0.21), r.samples());
    assertEquals(0.21, r.measuredGBps()); // median of the sums
    assertEquals(0.22, r.expectedGBps()); // 0.11 + 0.11
    assertEquals(0.11, r.flows().get(0).measuredGBps());
    assertEquals(0.10, r.flows().get(1).measuredGBps());
    assertEquals("0000:04:00.0", r.flows().get(1).source());
    assertEquals(TestVerdict.PASS, r.verdict()); // 0.21 / 0.22 = 0.95 >= 0.90
  }
}
