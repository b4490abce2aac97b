package dev.fabricscope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciFunctionDraft;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Edits that would make a parent cycle or an unbounded chain, one case each: every one is refused
 * as an edit error, well within {@link PlanEditCostTest#BOUND}, never a thread spinning in a walk
 * up the tree (the security review's preview body spun in the IOMMU regrouping for good).
 */
class PlanEditBoundsTest {

  /** The reported preview body: empty 02:00.0, then move that port under its own switch. */
  static List<PlanEdit> reportedBody(boolean iommu) {
    List<PlanEdit> edits = new ArrayList<>();
    edits.add(new PlanEdit.Move("0000:03:00.0", "0000:01:00.0"));
    edits.add(new PlanEdit.Move("0000:02:00.0", "0000:01:00.0"));
    if (iommu) {
      edits.add(new PlanEdit.SetIommu(true));
    }
    return edits;
  }

  static String refused(Report host, List<PlanEdit> edits) {
    return assertTimeoutPreemptively(
            PlanEditCostTest.BOUND,
            () -> assertThrows(PlanEditException.class, () -> PlanEditor.apply(host, edits)))
        .getMessage();
  }

  @Test
  void theReportedPreviewBodyIsAnEditErrorNotAHang() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    for (boolean iommu : new boolean[] {true, false}) {
      String m = refused(host, reportedBody(iommu));
      assertTrue(m.startsWith("edit 2 ("), m);
      assertTrue(
          m.contains("the free port of 0000:01:00.0 is 0000:02:00.0, part of the device"), m);
    }
  }

  @Test
  void aSlotInsideTheMovedSubtreeIsRefused() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    // the switch's upstream port into itself, the root port above it into the switch below it
    for (PlanEdit e :
        List.of(
            new PlanEdit.Move("0000:01:00.0", "0000:01:00.0"),
            new PlanEdit.Move("0000:00:10.0", "0000:02:01.0"),
            new PlanEdit.Move("0000:00:10.0", "0000:01:00.0"),
            new PlanEdit.Move("0000:02:01.0", "0000:04:00.0"))) {
      String m = refused(host, List.of(e));
      assertTrue(m.startsWith("edit 1 ("), m);
      assertTrue(m.contains("part of the device being moved"), m);
    }
  }

  @Test
  void aParentCycleInTheBaseIsRefusedByEveryWalk() throws Exception {
    // 00:10.0 hung below 02:03.0, which is below it: a report the import would refuse, fed to the
    // editor directly to prove the walks themselves stop
    Report cyclic =
        edit(
            PlanEditorTest.rig("qemu-rig-iommu"),
            d -> {
              if (d.bdf.equals("0000:00:10.0")) {
                d.parent = "0000:02:03.0";
              }
              return d;
            });
    for (List<PlanEdit> edits :
        List.of(
            List.<PlanEdit>of(new PlanEdit.SetIommu(true)),
            List.<PlanEdit>of(new PlanEdit.Move("0000:07:00.0", "0000:01:00.0")),
            List.<PlanEdit>of(
                new PlanEdit.Move("0000:03:00.0", "0000:01:00.0"),
                new PlanEdit.AddSwitch("0000:02:00.0", 2, 8.0, 8)))) {
      String m = refused(cyclic, edits);
      assertTrue(m.contains("parent cycle") || m.contains("not sound"), m);
    }
    assertTrue(refused(cyclic, List.of(new PlanEdit.SetIommu(true))).contains("parent cycle"));
  }

  @Test
  void aChainDeeperThanTheBoundIsRefusedByEveryWalk() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    // 600 bridges one below another in domain 0001, below root port 00:12.0's copy
    List<PciFunction> pci = new ArrayList<>(host.pci());
    PciFunction template =
        host.pci().stream().filter(f -> f.bdf().equals("0000:02:01.0")).findFirst().orElseThrow();
    String parent = null;
    String last = null;
    for (int i = 0; i < 600; i++) {
      PciFunctionDraft d = PciFunctionDraft.of(template);
      d.bdf = String.format("0001:%02x:%02x.%d", 1 + i / 32 / 8, (i / 8) % 32, i % 8);
      d.parent = parent;
      d.portType = i == 0 ? PortType.ROOT_PORT : PortType.SWITCH_DOWNSTREAM;
      d.config = null;
      d.link = null;
      pci.add(d.build());
      parent = d.bdf;
      last = d.bdf;
    }
    Report deep = withPci(host, pci);
    String m = refused(deep, List.of(new PlanEdit.SetIommu(true)));
    assertTrue(m.contains("deeper than 512"), m);
    m = refused(deep, List.of(new PlanEdit.AddSwitch(last, 1, 8.0, 8)));
    assertTrue(m.contains("deeper than 512"), m);
    m = refused(deep, List.of(new PlanEdit.Move("0000:08:00.0", last)));
    assertTrue(m.contains("deeper than 512"), m);
  }

  @Test
  void addedSwitchesNestAtMostSixteenDeepByAddOrByMove() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    // a switch S in 02:01.0 (emptied first), then 16 nested ones in 02:00.0
    List<PlanEdit> edits = new ArrayList<>();
    edits.add(new PlanEdit.Move("0000:04:00.0", "0000:01:00.0"));
    edits.add(new PlanEdit.AddSwitch("0000:02:01.0", 1, 8.0, 8));
    String s = only(PlanEditor.apply(host, edits), "0000:02:01.0");
    edits.add(new PlanEdit.Move("0000:03:00.0", "0000:01:00.0"));
    String under = "0000:02:00.0";
    for (int i = 0; i < PlanEditor.MAX_ADDED_NESTING; i++) {
      edits.add(new PlanEdit.AddSwitch(under, 1, 8.0, 8));
      Report plan = PlanEditor.apply(host, edits);
      under = only(plan, only(plan, under));
    }
    List<PlanEdit> deeper = new ArrayList<>(edits);
    deeper.add(new PlanEdit.AddSwitch(under, 1, 8.0, 8));
    String m = refused(host, deeper);
    assertTrue(m.startsWith("edit " + deeper.size() + " ("), m);
    assertTrue(m.contains("at most 16 added switches nest on one chain"), m);
    List<PlanEdit> moved = new ArrayList<>(edits);
    moved.add(new PlanEdit.Move(s, under));
    m = refused(host, moved);
    assertTrue(m.contains("there would be 17"), m);
    // a device that is no added switch may still go into the deepest port
    List<PlanEdit> nic = new ArrayList<>(edits);
    nic.add(new PlanEdit.Move("0000:07:00.0", under));
    assertEquals(
        under, PlanEditorTest.byBdf(PlanEditor.apply(host, nic)).get("0000:07:00.0").parent());
  }

  /** The one function whose parent is {@code port}. */
  static String only(Report r, String port) {
    List<String> kids =
        r.pci().stream().filter(f -> port.equals(f.parent())).map(PciFunction::bdf).toList();
    assertEquals(1, kids.size(), port + ": " + kids);
    return kids.get(0);
  }

  static Report edit(Report r, UnaryOperator<PciFunctionDraft> change) {
    return withPci(
        r, r.pci().stream().map(f -> change.apply(PciFunctionDraft.of(f)).build()).toList());
  }

  static Report withPci(Report r, List<PciFunction> pci) {
    return r.withPci(pci);
  }
}
