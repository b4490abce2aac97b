package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link PairRule} obeys (issue 13), checked over every rule set — the kernel's
 * P2PDMA, nvidia-smi's {@code topo -m} and {@code -mp}, NCCL's, the driver's — on the real fixtures
 * (sysfs archives and rig captures, hwloc XML, NCCL XML, lspci text) and on synthetic hosts:
 *
 * <ul>
 *   <li>symmetry: the value (and provisional flag, and the reason codes) of (a, b) equal those of
 *       (b, a);
 *   <li>self: a device with itself is BUS_ADDR at distance 0, X, X, LOC, and nothing from the
 *       driver;
 *   <li>a VF is counted as its PF: its value with any other device is its PF's;
 *   <li>unknown inputs make the ruling provisional ({@link ProvisionalRulingsTest}).
 * </ul>
 */
class PairRuleContractTest {

  static final List<String> NAMES =
      List.of("kernel", "nvidia-smi -m", "nvidia-smi -mp", "nccl", "driver");

  /** Pairs per fixture at most (the largest imports have hundreds of devices). */
  private static final int MAX_DEVICES = 48;

  static List<PairRule<?>> rules(P2pAnalyzer an) {
    List<PairRule<?>> rules = an.rules();
    assertEquals(NAMES.size(), rules.size(), "every rule set is in the contract");
    return rules;
  }

  static Ruling<?> rule(P2pAnalyzer an, PairRule<?> rule, Device a, Device b) {
    return rule.rule(DevicePair.of(an.fabric(), a, b));
  }

  private static List<String> codes(Ruling<?> r) {
    return r.reasons().stream().map(Reason::code).sorted().toList();
  }

  /** What one report's contract check covered. */
  record Checked(int pairs, int vfs) {}

  /** The whole contract over one report. */
  static Checked assertContract(String what, Report report) {
    P2pAnalyzer an = new P2pAnalyzer(report);
    List<PairRule<?>> rules = rules(an);
    List<Device> devices = an.devices();
    devices = devices.subList(0, Math.min(devices.size(), MAX_DEVICES));
    int pairs = 0;
    for (int i = 0; i < devices.size(); i++) {
      Device a = devices.get(i);
      assertSelf(what, an, rules, a);
      for (int j = i + 1; j < devices.size(); j++) {
        Device b = devices.get(j);
        for (int r = 0; r < rules.size(); r++) {
          Ruling<?> ab = rule(an, rules.get(r), a, b);
          Ruling<?> ba = rule(an, rules.get(r), b, a);
          String where = what + ": " + NAMES.get(r) + " " + a.key() + " / " + b.key();
          assertEquals(ab.value(), ba.value(), where);
          assertEquals(ab.provisional(), ba.provisional(), where);
          assertEquals(codes(ab), codes(ba), where);
          if (ab.value() instanceof KernelVerdict k) {
            assertEquals(k.provisional(), ab.provisional(), where);
          }
        }
        pairs++;
      }
    }
    return new Checked(pairs, assertVfAsPf(what, an, rules));
  }

  private static void assertSelf(String what, P2pAnalyzer an, List<PairRule<?>> rules, Device a) {
    String where = what + ": " + a.key() + " with itself";
    List<Object> self = new ArrayList<>();
    for (PairRule<?> r : rules) {
      Ruling<?> ruling = rule(an, r, a, a);
      assertFalse(ruling.provisional(), where);
      self.add(ruling.value());
    }
    KernelVerdict k = (KernelVerdict) self.get(0);
    if (!k.mapType().allowed()) {
      // a software RDMA device is refused whatever the topology, itself included (§2.6)
      assertTrue(an.pair(a, a).reasons().stream().anyMatch(r -> r.code().endsWith("_RDMA")), where);
    } else {
      assertEquals(new KernelVerdict(MapType.BUS_ADDR, 0, false), k, where);
    }
    assertEquals(SmiLabel.X, self.get(1), where);
    assertEquals(SmiLabel.X, self.get(2), where);
    assertEquals(NcclPath.LOC, ((NcclVerdict) self.get(3)).path(), where);
    assertNull(self.get(4), where);
  }

  /** Every VF of the report, as a device of its PF's kind: its values are its PF's. */
  private static int assertVfAsPf(String what, P2pAnalyzer an, List<PairRule<?>> rules) {
    Fabric fabric = an.fabric();
    List<Device> devices = an.devices();
    int vfs = 0;
    for (PciFunction f : fabric.report().pci()) {
      if (f.sriov() == null || f.sriov().physfn() == null || vfs >= 8) {
        continue;
      }
      Device pf = an.find(f.sriov().physfn());
      if (pf == null) {
        continue;
      }
      vfs++;
      Device vf = new Device(f.bdf(), pf.kind(), f.bdf(), null);
      for (Device x : devices.subList(0, Math.min(devices.size(), MAX_DEVICES))) {
        if (sameSlot(x.bdf(), pf.bdf()) || sameSlot(x.bdf(), vf.bdf())) {
          continue; // NCCL merges the functions of one slot by their BDF, not by PF
        }
        for (int r = 0; r < rules.size(); r++) {
          String where = what + ": " + NAMES.get(r) + " VF " + vf.bdf() + " / " + x.key();
          assertEquals(
              rule(an, rules.get(r), pf, x).value(), rule(an, rules.get(r), vf, x).value(), where);
        }
      }
    }
    return vfs;
  }

  private static boolean sameSlot(String a, String b) {
    return a.equals(b) || NcclRules.sameDevice(a, b);
  }

  @Test
  void holdsOnEverySysfsArchiveAndRigCapture() throws Exception {
    List<String> checked = new ArrayList<>();
    int pairs = 0;
    for (var archive : Fixtures.archives()) {
      try (var u = ArchiveExtractor.extract(archive)) {
        Report r = new SysfsDiscovery().discover(u.sysfsRoot());
        pairs += assertContract(archive.getFileName().toString(), r).pairs();
        checked.add(archive.getFileName().toString());
      }
    }
    assertTrue(checked.size() >= 10, checked.toString());
    assertTrue(pairs > 100, pairs + " pairs");
  }

  @Test
  void holdsOnEveryImportedFixture() throws Exception {
    List<String> checked = new ArrayList<>();
    for (String dir : List.of("hwloc-xml", "nccl-xml", "text")) {
      try (Stream<Path> files = Files.list(Fixtures.root().resolve(dir))) {
        for (Path f : files.sorted().toList()) {
          Report r;
          try {
            r = Importers.load(f);
          } catch (ImportException e) {
            continue;
          }
          assertContract(f.getFileName().toString(), r);
          checked.add(f.getFileName().toString());
        }
      }
    }
    assertTrue(checked.size() >= 20, checked.toString());
    assertTrue(
        checked.containsAll(
            List.of("nvidiaDGX2.xml", "16intel64-manyVFs.xml", "aws-p5.48xl-topo.xml")),
        checked.toString());
  }

  @Test
  void holdsOnSyntheticHostsAndTheWorkedExamples() {
    assertContract("nested switches", SyntheticHosts.nestedSwitches("s", 120));
    assertContract(
        "one switch, ACS redirect",
        WorkedExamplesTest.oneSwitch(WorkedExamplesTest.haswell())
            .redirect("0000:02:01.0")
            .build());
    assertContract("Sky Lake stacks", WorkedExamplesTest.skylakeStacks(1).build());
    assertEquals(1, assertContract("two sockets", twoSockets(FabricDsl.host()).build()).vfs());
  }

  @Test
  void holdsWithTheDriversAnswers() throws Exception {
    for (String rw : List.of("ok", "chipset-not-supported", "unknown")) {
      assertContract("DGX-2, driver " + rw, DriverVerdictTest.dgx2(rw));
    }
  }

  /** GPU and NIC under one switch on socket 0, a GPU on each of two more host bridges. */
  static FabricDsl twoSockets(FabricDsl h) {
    return WorkedExamplesTest.oneSwitch(
            h.hostBridge("pci0000:00", "0x8086", "0x2f00", 0)
                .hostBridge("pci0000:40", "0x8086", "0x2f00", 0)
                .hostBridge("pci0000:80", "0x8086", "0x2f00", 1))
        .rootPort("0000:40:01.0", "pci0000:40", 0)
        .gpu("0000:41:00.0", "0000:40:01.0", 90)
        .rootPort("0000:80:01.0", "pci0000:80", 1)
        .gpu("0000:81:00.0", "0000:80:01.0", 90)
        .sm("0000:03:00.0", 90)
        // an SR-IOV VF of the NIC with its own RDMA device, as mlx5 VFs have
        .vf("0000:04:00.1", "0000:04:00.0")
        .rdma("mlx5_1", "0000:04:00.1", RdmaDevice.Provider.HARDWARE);
  }

  @Test
  void typedVerdictsPrintAsTheToolsDo() throws Exception {
    var mapper = dev.fabricscope.report.ReportJson.mapper();
    assertEquals("\"NV6\"", mapper.writeValueAsString(SmiLabel.nvlinks(6)));
    assertEquals("\"NODE\"", mapper.writeValueAsString(SmiLabel.NODE));
    assertEquals("\"THRU_HOST_BRIDGE\"", mapper.writeValueAsString(MapType.THRU_HOST_BRIDGE));
    assertEquals("\"P2C\"", mapper.writeValueAsString(NcclPath.P2C));
    assertEquals(SmiLabel.nvlinks(12), mapper.readValue("\"NV12\"", SmiLabel.class));
    assertEquals(SmiLabel.PXB, SmiLabel.parse("PXB"));
    assertEquals(
        "{\"mapType\":\"BUS_ADDR\",\"distance\":4,\"provisional\":false}",
        mapper.writeValueAsString(new KernelVerdict(MapType.BUS_ADDR, 4, false)));
    // NCCL's order (graph.h of 2.30): P2C between PXB and PXN
    assertEquals(
        List.of("LOC", "NVL", "NVB", "C2C", "PIX", "PXB", "P2C", "PXN", "PHB", "SYS", "NET", "DIS"),
        Stream.of(NcclPath.values()).map(NcclPath::json).toList());
    assertTrue(NcclPath.PXB.atMost(NcclPath.P2C) && !NcclPath.PHB.atMost(NcclPath.P2C));
  }

  @Test
  void nvlinkPairsKeepTheirCount() throws Exception {
    Report r = Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    P2pAnalyzer an = new P2pAnalyzer(r);
    List<Device> gpus = an.devices().stream().filter(d -> d.kind() == DeviceKind.GPU).toList();
    Ruling<?> x = rule(an, rules(an).get(1), gpus.get(0), gpus.get(1));
    assertEquals("NV6", x.value().toString());
    assertEquals(List.of(Reason.NVLINK), codes(x));
  }
}
