package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciTreeParser;
import dev.fabricscope.oracle.LspciVerboseParser;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Kernel verdicts on captures of a real kernel (p2p-rules.md §2.3), with the expectations derived
 * from what lspci printed inside that VM: the tree ({@code lspci -tvnn}) and every port's ACSCtl
 * ({@code lspci -vvv}). The allow-list has no row for q35's host bridge 8086:29c0 nor for QEMU's
 * root port 1b36:000c (§2.5), so every pair without a non-redirecting common bridge is refused.
 */
class QemuRigVerdictTest {

  record Oracle(
      Map<String, LspciTreeParser.Node> tree, Map<String, LspciVerboseParser.Function> vvv) {
    List<String> chain(String bdf) {
      List<String> out = new ArrayList<>();
      for (String cur = bdf; cur != null; cur = tree.get(cur).parent()) {
        out.add(cur);
      }
      return out;
    }

    boolean redirects(String bdf) {
      Map<String, Boolean> ctl = vvv.get(bdf).acsCtl();
      return ctl != null
          && (ctl.getOrDefault("ReqRedir", false)
              || ctl.getOrDefault("CmpltRedir", false)
              || ctl.getOrDefault("EgressCtrl", false));
    }

    /** §2.3 on lspci's view: BUS_ADDR and the distance, or NOT_SUPPORTED (no allowed bridge). */
    String expected(String a, String b) {
      List<String> ca = chain(a);
      List<String> cb = chain(b);
      for (int i = 0; i < ca.size(); i++) {
        int j = cb.indexOf(ca.get(i));
        if (j >= 0) {
          List<String> suspects = new ArrayList<>(ca.subList(0, i + 1));
          suspects.addAll(cb.subList(0, j));
          return suspects.stream().anyMatch(this::redirects)
              ? "NOT_SUPPORTED"
              : "BUS_ADDR " + (i + j);
        }
      }
      return "NOT_SUPPORTED";
    }
  }

  static Oracle oracle(String capture) {
    return new Oracle(
        LspciTreeParser.parse(Fixtures.read(Fixtures.sysfs(capture + ".lspci-tvnn.txt"))),
        LspciVerboseParser.parse(Fixtures.read(Fixtures.sysfs(capture + "/lspci-vvv.txt"))));
  }

  static Report discover(String capture) throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs(capture + ".tar.gz"))) {
      return new SysfsDiscovery().discover(u.sysfsRoot());
    }
  }

  @TestFactory
  Stream<DynamicTest> everyPairFollowsTheKernelRules() {
    return Stream.of("qemu-rig-iommu", "qemu-rig-plain")
        .map(
            capture ->
                DynamicTest.dynamicTest(
                    capture,
                    () -> {
                      Oracle o = oracle(capture);
                      P2pAnalyzer an = new P2pAnalyzer(discover(capture));
                      int checked = 0;
                      List<Device> devices =
                          an.devices().stream().filter(d -> d.rdma() == null).toList();
                      for (Device a : devices) {
                        for (Device b : devices) {
                          PairVerdict v = an.pair(a, b);
                          String got =
                              v.kernel().mapType() == MapType.BUS_ADDR
                                  ? "BUS_ADDR " + v.kernel().distance()
                                  : v.kernel().mapType().toString();
                          assertEquals(o.expected(a.bdf(), b.bdf()), got, a + " / " + b);
                          assertFalse(v.kernel().provisional(), "config space was readable");
                          checked++;
                        }
                      }
                      // the NVMe controllers and NICs lspci saw: QEMU NVMe, 82574L, virtio-net
                      long expectedDevices =
                          o.tree().values().stream()
                              .filter(
                                  n ->
                                      java.util.Set.of("1b36:0010", "8086:10d3", "1af4:1041")
                                          .contains(String.valueOf(n.vendorDevice())))
                              .count();
                      assertEquals(expectedDevices, devices.size(), devices.toString());
                      assertEquals(expectedDevices * expectedDevices, checked);
                    }));
  }

  @Test
  void iommuCaptureUnderTheSwitchAcrossRootPortsAndTheReasons() throws Exception {
    Oracle o = oracle("qemu-rig-iommu");
    // what the kernel did in that VM, read from lspci: root ports redirect, switch ports have no
    // ACS
    for (String rp : List.of("0000:00:10.0", "0000:00:11.0", "0000:00:12.0")) {
      assertTrue(o.redirects(rp), rp);
    }
    for (String sw : List.of("0000:01:00.0", "0000:02:00.0", "0000:02:02.0")) {
      assertNull(o.vvv().get(sw).acsCap(), sw);
    }
    P2pAnalyzer an = new P2pAnalyzer(discover("qemu-rig-iommu"));
    PairVerdict under = an.pair(an.find("0000:03:00.0"), an.find("0000:04:00.0"));
    assertEquals("BUS_ADDR", under.kernel().mapType().toString());
    assertEquals(4, under.kernel().distance());
    assertEquals(
        List.of("0000:03:00.0", "0000:02:00.0", "0000:01:00.0", "0000:02:01.0", "0000:04:00.0"),
        under.hops());
    PairVerdict across = an.pair(an.find("0000:03:00.0"), an.find("0000:07:00.0"));
    assertEquals("NOT_SUPPORTED", across.kernel().mapType().toString());
    String text = across.reasons().toString();
    assertTrue(text.contains("pci0000:00") && text.contains("8086:29c0"), text);
    assertTrue(text.contains(Reason.NO_COMMON_BRIDGE), text);
    // rxe1 rides on the e1000e under the switch: refused whatever the topology (§2.6)
    PairVerdict rxe = an.pair(an.find("0000:03:00.0"), an.find("rxe1"));
    assertEquals("NOT_SUPPORTED", rxe.kernel().mapType().toString());
    assertTrue(rxe.reasons().toString().contains(Reason.SOFTWARE_RDMA));
  }
}
