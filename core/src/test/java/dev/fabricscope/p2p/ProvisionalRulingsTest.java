package dev.fabricscope.p2p;

import static dev.fabricscope.p2p.PairRuleContractTest.NAMES;
import static dev.fabricscope.p2p.PairRuleContractTest.rule;
import static dev.fabricscope.p2p.PairRuleContractTest.rules;
import static dev.fabricscope.p2p.PairRuleContractTest.twoSockets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Part of the {@link PairRule} contract (issue 13): unknown inputs (ACS, the CPU, a NUMA node, a
 * GPU's compute capability, the driver's "unknown") make a ruling provisional, and only the rule
 * sets that read that input; a host whose inputs are all known has no provisional ruling.
 */
class ProvisionalRulingsTest {

  private static Ruling<?> ruling(Report r, int rule, String a, String b) {
    P2pAnalyzer an = new P2pAnalyzer(r);
    return rule(an, rules(an).get(rule), an.find(a), an.find(b));
  }

  @Test
  void everyInputKnownMeansNothingProvisional() {
    Report r = twoSockets(FabricDsl.host()).build();
    P2pAnalyzer an = new P2pAnalyzer(r);
    for (Device a : an.devices()) {
      for (Device b : an.devices()) {
        for (int k = 0; k < NAMES.size(); k++) {
          assertFalse(
              rule(an, rules(an).get(k), a, b).provisional(),
              NAMES.get(k) + " " + a.key() + " / " + b.key());
        }
      }
    }
  }

  @Test
  void unknownAcsMakesTheKernelProvisional() {
    Report r = twoSockets(FabricDsl.host()).acsUnknown("0000:02:01.0").build();
    Ruling<?> k = ruling(r, 0, "0000:03:00.0", "0000:04:00.0");
    assertEquals(new KernelVerdict(MapType.BUS_ADDR, 4, true), k.value());
    assertTrue(k.provisional());
    assertTrue(k.reasons().stream().anyMatch(x -> x.code().equals(Reason.ACS_UNKNOWN)));
    // the tools that ignore ACS are not affected
    assertFalse(ruling(r, 1, "0000:03:00.0", "0000:04:00.0").provisional());
  }

  @Test
  void unknownCpuMakesARefusalThroughTheHostBridgeProvisional() {
    // 8086:2f00 allows P2P only within one host bridge; on an AMD Zen host any would do
    Report known = twoSockets(FabricDsl.host()).build();
    Ruling<?> k = ruling(known, 0, "0000:03:00.0", "0000:41:00.0");
    assertEquals(MapType.NOT_SUPPORTED, ((KernelVerdict) k.value()).mapType());
    assertFalse(k.provisional());
    Report unknown = twoSockets(FabricDsl.host()).cpuUnknown().build();
    k = ruling(unknown, 0, "0000:03:00.0", "0000:41:00.0");
    assertEquals(MapType.NOT_SUPPORTED, ((KernelVerdict) k.value()).mapType());
    assertTrue(k.provisional());
    assertTrue(k.reasons().stream().anyMatch(x -> x.code().equals(Reason.CPU_UNKNOWN)));
  }

  @Test
  void unknownNumaMakesNodeOrSysProvisional() {
    Report r = twoSockets(FabricDsl.host()).numaUnknown("0000:81:00.0", "0000:80:01.0").build();
    for (int rule : List.of(1, 2, 3)) {
      Ruling<?> x = ruling(r, rule, "0000:41:00.0", "0000:81:00.0");
      assertTrue(x.provisional(), NAMES.get(rule) + " " + x);
      // below one switch the NUMA nodes do not matter
      assertFalse(ruling(r, rule, "0000:03:00.0", "0000:04:00.0").provisional(), NAMES.get(rule));
    }
  }

  @Test
  void unknownComputeCapabilityMakesGpuDirectRdmaProvisional() {
    Report r =
        WorkedExamplesTest.oneSwitch(WorkedExamplesTest.haswell())
            .rootPort("0000:00:02.0", "pci0000:00", 0)
            .gpu("0000:05:00.0", "0000:00:02.0")
            .build();
    Ruling<?> x = ruling(r, 3, "0000:03:00.0", "0000:04:00.0");
    assertEquals(Boolean.TRUE, ((NcclVerdict) x.value()).gdr());
    assertTrue(x.provisional(), "sm unknown: assumed ≥ 80");
    Report known =
        WorkedExamplesTest.oneSwitch(WorkedExamplesTest.haswell())
            .rootPort("0000:00:02.0", "pci0000:00", 0)
            .gpu("0000:05:00.0", "0000:00:02.0", 90)
            .sm("0000:03:00.0", 90)
            .build();
    assertFalse(ruling(known, 3, "0000:03:00.0", "0000:04:00.0").provisional());
  }

  @Test
  void theDriversUnknownIsProvisional() throws Exception {
    Report r = DriverVerdictTest.dgx2("unknown");
    Ruling<?> d = ruling(r, 4, DriverVerdictTest.A, DriverVerdictTest.B);
    assertEquals("U", ((DriverVerdict) d.value()).label().toString());
    assertTrue(d.provisional());
    assertFalse(
        ruling(DriverVerdictTest.dgx2("ok"), 4, DriverVerdictTest.A, DriverVerdictTest.B)
            .provisional());
  }
}
