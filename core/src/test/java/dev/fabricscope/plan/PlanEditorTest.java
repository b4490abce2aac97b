package dev.fabricscope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciVerboseParser;
import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.PairVerdict;
import dev.fabricscope.p2p.PathLinks;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What-if edits on the QEMU rig's captures (a real kernel: ICH9 host bridge, a TI XIO3130 switch
 * with four downstream ports below root port 00:10.0, two more root ports, a second root bus). The
 * oracles are the rig itself: its two captures differ only by the IOMMU, so turning the IOMMU off
 * on one must give the other's ACS Control bits (lspci -vvv) and turning it on the other's IOMMU
 * groups; verdict changes are worked out from {@code lspci -tvnn} in the comments.
 */
class PlanEditorTest {

  static Report rig(String capture) throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs(capture + ".tar.gz"))) {
      return new SysfsDiscovery().discover(u.sysfsRoot());
    }
  }

  static Map<String, PciFunction> byBdf(Report r) {
    Map<String, PciFunction> out = new TreeMap<>();
    r.pci().forEach(f -> out.put(f.bdf(), f));
    return out;
  }

  static PairVerdict pair(Report r, String a, String b) {
    P2pAnalyzer an = new P2pAnalyzer(r);
    return an.pair(an.find(a), an.find(b));
  }

  @Test
  void movingTheNicIntoTheSwitchMakesItsPeerTrafficTurnThere() throws Exception {
    Report host = rig("qemu-rig-iommu");
    // before: NVMe 03:00.0 below the switch, NIC 07:00.0 on root port 00:11.0; the ICH9 host
    // bridge is not on the allow-list, so the kernel refuses the pair
    assertEquals(
        "NOT_SUPPORTED", pair(host, "0000:03:00.0", "0000:07:00.0").kernel().mapType().toString());
    Report plan =
        PlanEditor.apply(host, List.of(new PlanEdit.Move("0000:07:00.0", "0000:01:00.0")));
    // the switch gains downstream port 02:04.0 (bus 02 uses devices 00-03); its ports have no ACS
    // in this capture, so the pair turns at the switch: 03 → 02:00 → 01:00 → 02:04 → 07, 4 hops
    PciFunction port = byBdf(plan).get("0000:02:04.0");
    assertNotNull(port, "new downstream port");
    assertEquals(PortType.SWITCH_DOWNSTREAM, port.portType());
    assertEquals("0000:01:00.0", port.parent());
    assertEquals("0000:02:04.0", byBdf(plan).get("0000:07:00.0").parent());
    PairVerdict v = pair(plan, "0000:03:00.0", "0000:07:00.0");
    assertEquals("BUS_ADDR", v.kernel().mapType().toString());
    assertEquals(4, v.kernel().distance());
    // the slot it left is empty, and the host it came from is unchanged
    assertEquals("0000:00:11.0", byBdf(host).get("0000:07:00.0").parent());
  }

  @Test
  void acsRedirectAtTheSwitchPortSendsThePairUpToTheRootComplex() throws Exception {
    Report host = rig("qemu-rig-iommu");
    assertEquals(
        "BUS_ADDR", pair(host, "0000:03:00.0", "0000:04:00.0").kernel().mapType().toString());
    Report plan = PlanEditor.apply(host, List.of(new PlanEdit.SetAcs("0000:02:00.0", true)));
    PairVerdict v = pair(plan, "0000:03:00.0", "0000:04:00.0");
    assertEquals("NOT_SUPPORTED", v.kernel().mapType().toString());
    assertTrue(
        plan.pci().stream()
            .anyMatch(
                f -> f.bdf().equals("0000:02:00.0") && Boolean.TRUE.equals(f.acs().redirects())));
  }

  @Test
  void iommuOffGivesTheAcsBitsOfTheRigBootedWithoutIommu() throws Exception {
    Report plan = PlanEditor.apply(rig("qemu-rig-iommu"), List.of(new PlanEdit.SetIommu(false)));
    assertAcsControlAsLspci(plan, "qemu-rig-plain");
    assertTrue(plan.pci().stream().allMatch(f -> f.iommu() == null));
  }

  @Test
  void iommuOnGivesTheAcsBitsAndGroupsOfTheRigBootedWithIommu() throws Exception {
    Report iommu = rig("qemu-rig-iommu");
    Report plan = PlanEditor.apply(rig("qemu-rig-plain"), List.of(new PlanEdit.SetIommu(true)));
    assertAcsControlAsLspci(plan, "qemu-rig-iommu");
    // the partition into groups (numbers aside) is the kernel's: 1f.0/.2/.3 share one, each
    // switch downstream port shares one with the device below it (the ports have no ACS)
    assertEquals(partition(iommu), partition(plan));
  }

  static Set<Set<String>> partition(Report r) {
    Map<Integer, Set<String>> g = new HashMap<>();
    for (PciFunction f : r.pci()) {
      g.computeIfAbsent(f.iommu().group(), k -> new TreeSet<>()).add(f.bdf());
    }
    return Set.copyOf(g.values());
  }

  static void assertAcsControlAsLspci(Report plan, String capture) throws Exception {
    Map<String, LspciVerboseParser.Function> vvv =
        LspciVerboseParser.parse(Fixtures.read(Fixtures.sysfs(capture + "/lspci-vvv.txt")));
    int compared = 0;
    for (PciFunction f : plan.pci()) {
      LspciVerboseParser.Function o = vvv.get(f.bdf());
      if (o == null || o.acsCtl() == null) {
        continue;
      }
      var c = f.acs().control();
      Map<String, Boolean> ours =
          Map.of(
              "SrcValid", c.srcValid(),
              "TransBlk", c.transBlk(),
              "ReqRedir", c.reqRedir(),
              "CmpltRedir", c.cmpltRedir(),
              "UpstreamFwd", c.upstreamFwd(),
              "EgressCtrl", c.egressCtrl(),
              "DirectTrans", c.directTrans());
      assertEquals(new TreeMap<>(o.acsCtl()), new TreeMap<>(ours), f.bdf());
      compared++;
    }
    assertEquals(5, compared, "the rig's five root ports have ACS");
  }

  @Test
  void aSwitchGoesIntoAnEmptiedPortAndTakesADevice() throws Exception {
    Report plan =
        PlanEditor.apply(
            rig("qemu-rig-iommu"),
            List.of(
                new PlanEdit.Move("0000:08:00.0", "0000:01:00.0"),
                new PlanEdit.AddSwitch("0000:00:12.0", 2, 16.0, 16),
                new PlanEdit.Move("0000:07:00.0", "0000:09:00.0")));
    Map<String, PciFunction> f = byBdf(plan);
    // buses in use: 00-08 and 80-82, so the new switch takes 09 (upstream) and 0a (downstream)
    assertEquals(PortType.SWITCH_UPSTREAM, f.get("0000:09:00.0").portType());
    assertEquals("0000:00:12.0", f.get("0000:09:00.0").parent());
    assertEquals("0000:09:00.0", f.get("0000:0a:00.0").parent());
    assertEquals("0000:09:00.0", f.get("0000:0a:01.0").parent());
    assertEquals("0000:0a:00.0", f.get("0000:07:00.0").parent());
    // the root port's ACS redirects (IOMMU on) and the new ports redirect too: the NVMe that
    // moved into the old switch and the NIC in the new one still meet only at the host bridge
    assertEquals(
        "NOT_SUPPORTED", pair(plan, "0000:08:00.0", "0000:07:00.0").kernel().mapType().toString());
  }

  @Test
  void removingASwitchWithOneDeviceLeftPutsItInTheSwitchsPlace() throws Exception {
    Report plan =
        PlanEditor.apply(
            rig("qemu-rig-iommu"),
            List.of(
                new PlanEdit.Move("0000:07:00.0", "0000:01:00.0"),
                new PlanEdit.AddSwitch("0000:00:11.0", 2, 8.0, 4),
                new PlanEdit.Move("0000:08:00.0", "0000:0a:01.0"),
                new PlanEdit.RemoveSwitch("0000:09:00.0")));
    Map<String, PciFunction> f = byBdf(plan);
    assertEquals("0000:00:11.0", f.get("0000:08:00.0").parent());
    assertEquals("0000:00:11.0", f.get("0000:08:00.0").link().upstream().bdf());
    for (String gone : List.of("0000:09:00.0", "0000:0a:00.0", "0000:0a:01.0")) {
      assertTrue(!f.containsKey(gone), gone);
    }
  }

  @Test
  void everyRefusalNamesTheEditAndWhy() throws Exception {
    Report host = rig("qemu-rig-iommu");
    Map<PlanEdit, String> cases = new java.util.LinkedHashMap<>();
    cases.put(new PlanEdit.Move("0000:77:00.0", "0000:01:00.0"), "no PCI function 0000:77:00.0");
    cases.put(new PlanEdit.Move("0000:03:00.0", "0000:00:11.0"), "holds 0000:07:00");
    cases.put(new PlanEdit.Move("0000:01:00.0", "0000:02:01.0"), "part of the device being moved");
    cases.put(new PlanEdit.Move("0000:03:00.0", "0000:07:00.0"), "not a root port");
    cases.put(new PlanEdit.AddSwitch("0000:00:10.0", 2, 16.0, 16), "a switch goes into an empty");
    cases.put(new PlanEdit.AddSwitch("0000:00:12.0", 0, 16.0, 16), "1 to 32 downstream ports");
    cases.put(new PlanEdit.AddSwitch("0000:00:12.0", 2, 7.0, 16), "not a PCIe rate");
    cases.put(new PlanEdit.RemoveSwitch("0000:01:00.0"), "holds 4 devices");
    cases.put(new PlanEdit.RemoveSwitch("0000:02:00.0"), "not a switch upstream port");
    cases.put(new PlanEdit.SetAcs("0000:03:00.0", true), "not a root port");
    cases.put(new PlanEdit.SetLink("0000:03:00.0", 16.0, 3), "not a PCIe link width");
    cases.put(new PlanEdit.SetLink("0000:00:10.0", 16.0, 16), "port facing down");
    for (var c : cases.entrySet()) {
      PlanEditException x =
          assertThrows(PlanEditException.class, () -> PlanEditor.apply(host, List.of(c.getKey())));
      assertTrue(x.getMessage().startsWith("edit 1 ("), x.getMessage());
      assertTrue(x.getMessage().contains(c.getValue()), x.getMessage());
    }
    List<PlanEdit> many = java.util.Collections.nCopies(201, new PlanEdit.SetIommu(true));
    assertTrue(
        assertThrows(PlanEditException.class, () -> PlanEditor.apply(host, many))
            .getMessage()
            .contains("at most 200 edits"));
  }

  @Test
  void aSlowerLinkIsThePathsBottleneck() throws Exception {
    Report plan =
        PlanEditor.apply(
            rig("qemu-rig-iommu"),
            List.of(
                new PlanEdit.SetLink("0000:03:00.0", 8.0, 4),
                new PlanEdit.SetLink("0000:04:00.0", 16.0, 16)));
    // NVMe to NVMe below the switch crosses the two endpoints' links (the switch's internal bus
    // has none): 8 GT/s × 128/130 × 4 lanes / 8 bits = 3.94 GB/s per direction beats
    // 16 × 128/130 × 16 / 8 = 31.51 (p2p-rules.md §5)
    var b = new PathLinks(new Fabric(plan)).bottleneck("0000:03:00.0", "0000:04:00.0");
    assertEquals(3.94, b.rawGBps(), 0.005);
    assertEquals("0000:03:00.0", b.bdf());
    PciFunction port = byBdf(plan).get("0000:02:00.0");
    assertEquals(new LinkState(8.0, 4), port.link().current(), "both ends of the link");
    assertEquals(new LinkState(8.0, 4), byBdf(plan).get("0000:03:00.0").link().upstream().max());
  }

  @Test
  void editsReadFromJsonAsTheApiTakesThem() throws Exception {
    List<PlanEdit> edits =
        new ObjectMapper()
            .readValue(
                "[{\"op\":\"move\",\"device\":\"0000:07:00.0\",\"to\":\"0000:01:00.0\"},"
                    + "{\"op\":\"set-acs\",\"port\":\"0000:02:00.0\",\"redirect\":true},"
                    + "{\"op\":\"set-iommu\",\"enabled\":false},"
                    + "{\"op\":\"set-link\",\"device\":\"0000:03:00.0\",\"speedGTs\":16,\"width\":8},"
                    + "{\"op\":\"add-switch\",\"under\":\"0000:00:11.0\",\"ports\":4,"
                    + "\"speedGTs\":32,\"width\":16},"
                    + "{\"op\":\"remove-switch\",\"upstream\":\"0000:09:00.0\"}]",
                new TypeReference<List<PlanEdit>>() {});
    assertEquals(6, edits.size());
    assertEquals(new PlanEdit.Move("0000:07:00.0", "0000:01:00.0"), edits.get(0));
    Report plan = PlanEditor.apply(rig("qemu-rig-iommu"), edits);
    assertTrue(byBdf(plan).get("0000:00:11.0") != null);
  }
}
