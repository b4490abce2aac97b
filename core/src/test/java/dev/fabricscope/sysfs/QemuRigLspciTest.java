package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciVerboseParser;
import dev.fabricscope.oracle.LspciVerboseParser.Function;
import dev.fabricscope.oracle.LspciVerboseParser.Link;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The QEMU rig captures: per function, what {@code lspci -vvv} (root, inside the same VM) printed —
 * port type, MPS/MRRS, LnkCap/LnkSta, ACS capability and control — and the P2PDMA pools of {@code
 * nvme/p2pmem.txt}, against discovery over the gathered sysfs tree.
 */
class QemuRigLspciTest {

  private static final Map<String, ArchiveExtractor.Unpacked> UNPACKED = new HashMap<>();
  private static final Map<String, Report> REPORTS = new HashMap<>();

  private static synchronized Report report(String capture) throws Exception {
    Report r = REPORTS.get(capture);
    if (r == null) {
      ArchiveExtractor.Unpacked u = ArchiveExtractor.extract(Fixtures.sysfs(capture + ".tar.gz"));
      UNPACKED.put(capture, u);
      r = new SysfsDiscovery().discover(u.sysfsRoot());
      REPORTS.put(capture, r);
    }
    return r;
  }

  @AfterAll
  static void cleanUp() {
    UNPACKED.values().forEach(ArchiveExtractor.Unpacked::close);
  }

  private static Map<String, Function> oracle(String capture) {
    return LspciVerboseParser.parse(Fixtures.read(Fixtures.sysfs(capture + "/lspci-vvv.txt")));
  }

  private static Map<String, PciFunction> byBdf(Report r) {
    Map<String, PciFunction> m = new TreeMap<>();
    r.pci().forEach(f -> m.put(f.bdf(), f));
    return m;
  }

  private static PortType portType(String lspci) {
    return switch (lspci) {
      case "Root Port" -> PortType.ROOT_PORT;
      case "Upstream Port" -> PortType.SWITCH_UPSTREAM;
      case "Downstream Port" -> PortType.SWITCH_DOWNSTREAM;
      case "Endpoint", "Legacy Endpoint" -> PortType.ENDPOINT;
      case "Root Complex Integrated Endpoint", "Root Complex Event Collector" ->
          PortType.RC_INTEGRATED;
      case "PCI-Express to PCI/PCI-X Bridge", "PCI/PCI-X to PCI-Express Bridge" ->
          PortType.PCI_BRIDGE;
      default -> fail("lspci port type not mapped: " + lspci);
    };
  }

  private static LinkState state(Link l) {
    return l == null ? null : new LinkState(l.speedGTs(), l.width());
  }

  /** ACS bits under lspci's token names. */
  private static Map<String, Boolean> tokens(Acs.Bits b) {
    if (b == null) {
      return null;
    }
    Map<String, Boolean> m = new LinkedHashMap<>();
    m.put("SrcValid", b.srcValid());
    m.put("TransBlk", b.transBlk());
    m.put("ReqRedir", b.reqRedir());
    m.put("CmpltRedir", b.cmpltRedir());
    m.put("UpstreamFwd", b.upstreamFwd());
    m.put("EgressCtrl", b.egressCtrl());
    m.put("DirectTrans", b.directTrans());
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"qemu-rig-iommu", "qemu-rig-plain"})
  void everyFunctionMatchesLspciVvv(String capture) throws Exception {
    Map<String, Function> oracle = oracle(capture);
    Map<String, PciFunction> ours = byBdf(report(capture));
    assertEquals(oracle.keySet().stream().sorted().toList(), List.copyOf(ours.keySet()));
    List<String> diffs = new ArrayList<>();
    for (Function o : oracle.values()) {
      PciFunction f = ours.get(o.bdf());
      PciFunction.ConfigInfo c = f.config();
      assertNotNull(c, o.bdf() + ": no config info although lspci read it as root");
      if (o.expressType() == null) {
        check(diffs, o.bdf(), "pcieCapability", false, c.pcieCapability());
      } else {
        check(diffs, o.bdf(), "portType", portType(o.expressType()), f.portType());
        check(diffs, o.bdf(), "portTypeSource", PciFunction.FROM_CONFIG, f.portTypeSource());
        check(diffs, o.bdf(), "DevCap MaxPayload", o.devCapMps(), c.mpsSupportedBytes());
        check(diffs, o.bdf(), "DevCtl MaxPayload", o.devCtlMps(), c.mpsBytes());
        check(diffs, o.bdf(), "DevCtl MaxReadReq", o.devCtlMrrs(), c.mrrsBytes());
        check(
            diffs,
            o.bdf(),
            "LnkCap",
            state(o.lnkCap()),
            f.link() == null ? null : f.link().capability());
        check(
            diffs,
            o.bdf(),
            "LnkSta",
            state(o.lnkSta()),
            f.link() == null ? null : f.link().status());
      }
      if (o.acsCap() == null) {
        check(diffs, o.bdf(), "acs.state", Acs.ABSENT, f.acs().state());
      } else {
        check(diffs, o.bdf(), "acs.state", Acs.PRESENT, f.acs().state());
        check(diffs, o.bdf(), "ACSCap", o.acsCap(), tokens(f.acs().capability()));
        check(diffs, o.bdf(), "ACSCtl", o.acsCtl(), tokens(f.acs().control()));
        boolean redirect =
            o.acsCtl().get("ReqRedir")
                || o.acsCtl().get("CmpltRedir")
                || o.acsCtl().get("EgressCtrl");
        check(diffs, o.bdf(), "redirects()", redirect, f.acs().redirects());
      }
    }
    if (!diffs.isEmpty()) {
      fail(capture + ": discovery differs from lspci -vvv:\n  " + String.join("\n  ", diffs));
    }
  }

  private static void check(List<String> diffs, String bdf, String what, Object want, Object got) {
    if (!java.util.Objects.equals(want, got)) {
      diffs.add(bdf + " " + what + ": lspci=" + want + " discovery=" + got);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"qemu-rig-iommu", "qemu-rig-plain"})
  void p2pmemPoolsMatchTheCapture(String capture) throws Exception {
    Map<String, long[]> want = new TreeMap<>();
    for (String line : Fixtures.read(Fixtures.sysfs(capture + "/nvme/p2pmem.txt")).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.trim().split("\\s+");
      Map<String, String> kv = new HashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String[] p = parts[i].split("=", 2);
        kv.put(p[0], p[1]);
      }
      want.put(
          parts[0],
          new long[] {
            Long.parseLong(kv.get("size")),
            Long.parseLong(kv.get("available")),
            Long.parseLong(kv.get("published"))
          });
    }
    assertFalse(want.isEmpty(), "p2pmem.txt lists no provider");
    Map<String, PciFunction> ours = byBdf(report(capture));
    List<String> withPool =
        ours.values().stream().filter(f -> f.p2pmem() != null).map(PciFunction::bdf).toList();
    assertEquals(List.copyOf(want.keySet()), withPool, "functions publishing a p2pmem pool");
    want.forEach(
        (bdf, v) -> {
          PciFunction.P2pMem p = ours.get(bdf).p2pmem();
          assertEquals(v[0], p.sizeBytes(), bdf + " size");
          assertEquals(v[1], p.availableBytes(), bdf + " available");
          assertEquals(v[2] == 1, p.published(), bdf + " published");
        });
  }

  @Test
  void iommuCaptureRootPortsRedirectAndSwitchPortsHaveNoAcs() throws Exception {
    Map<String, Function> oracle = oracle("qemu-rig-iommu");
    List<Function> rootPorts =
        oracle.values().stream().filter(f -> "Root Port".equals(f.expressType())).toList();
    List<Function> switchPorts =
        oracle.values().stream()
            .filter(f -> f.expressType() != null && f.expressType().endsWith("stream Port"))
            .toList();
    assertFalse(rootPorts.isEmpty(), "the oracle shows no root port");
    assertFalse(switchPorts.isEmpty(), "the oracle shows no switch port");
    Map<String, PciFunction> ours = byBdf(report("qemu-rig-iommu"));
    for (Function rp : rootPorts) {
      assertNotNull(rp.acsCtl(), rp.bdf() + ": lspci shows no ACS on a root port");
      assertTrue(rp.acsCtl().get("ReqRedir") && rp.acsCtl().get("CmpltRedir"), rp.bdf());
      assertEquals(true, ours.get(rp.bdf()).acs().redirects(), rp.bdf() + " redirects");
    }
    for (Function sp : switchPorts) {
      assertNull(sp.acsCap(), sp.bdf() + ": lspci shows ACS on a switch port");
      assertEquals(Acs.ABSENT, ours.get(sp.bdf()).acs().state(), sp.bdf() + " acs.state");
    }
  }
}
