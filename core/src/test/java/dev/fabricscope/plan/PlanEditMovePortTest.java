package dev.fabricscope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which port of a switch a {@code move} into it takes: the first empty downstream port by BDF that
 * is not part of the moved device; a new port when none is empty; refused only when every empty
 * port is part of the moved device. The oracle of the generated test reads the plan's report, not
 * the editor's own tree.
 */
class PlanEditMovePortTest {

  static final String SWITCH = "0000:01:00.0";

  /** The rig with ports 02:00.0 and 02:01.0 of its switch emptied (their NVMe to bus 80). */
  static List<PlanEdit> twoEmptyPorts() {
    return List.of(
        new PlanEdit.Move("0000:81:00.0", SWITCH), // into new port 02:04.0; 80:00.0 empties
        new PlanEdit.Move("0000:82:00.0", SWITCH), // into new port 02:05.0; 80:01.0 empties
        new PlanEdit.Move("0000:03:00.0", "0000:80:00.0"),
        new PlanEdit.Move("0000:04:00.0", "0000:80:01.0"));
  }

  @Test
  void aPortMovedIntoItsOwnSwitchTakesTheNextEmptyPort() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    List<PlanEdit> edits = new ArrayList<>(twoEmptyPorts());
    // the switch's first empty port by BDF is 02:00.0 itself; 02:01.0 is empty too
    edits.add(new PlanEdit.Move("0000:02:00.0", SWITCH));
    Map<String, PciFunction> plan = PlanEditorTest.byBdf(PlanEditor.apply(host, edits));
    assertEquals("0000:02:01.0", plan.get("0000:02:00.0").parent());
    assertEquals(SWITCH, plan.get("0000:02:01.0").parent());
  }

  @Test
  void aPortWhoseSwitchHasNoOtherEmptyPortIsStillRefused() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    List<PlanEdit> edits = new ArrayList<>(twoEmptyPorts());
    edits.add(new PlanEdit.Move("0000:07:00.0", "0000:02:01.0"));
    edits.add(new PlanEdit.Move("0000:02:00.0", SWITCH));
    String m = PlanEditBoundsTest.refused(host, edits);
    assertTrue(m.startsWith("edit 6 ("), m);
    assertTrue(m.contains("the free port of " + SWITCH + " is 0000:02:00.0, part of the dev"), m);
  }

  @Test
  void aDeviceTakesTheFirstEmptyPortByBdf() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    List<PlanEdit> edits = new ArrayList<>(twoEmptyPorts());
    edits.add(new PlanEdit.Move("0000:07:00.0", SWITCH));
    assertEquals(
        "0000:02:00.0",
        PlanEditorTest.byBdf(PlanEditor.apply(host, edits)).get("0000:07:00.0").parent());
  }

  /**
   * Generated trees (random switches added and devices moved on the rig) and moves into a switch,
   * often of one of the switch's own empty ports: a move is refused as a move into itself exactly
   * when every empty port of the switch is part of the moved device (or the switch is); otherwise
   * it takes the first empty port outside the device, or a new port when none is empty.
   */
  @Test
  void generatedMovesIntoSwitchesAreRefusedOnlyWhenEveryEmptyPortIsMoved() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    Random rnd = new Random(20261207L);
    int tookNext = 0;
    int refused = 0;
    for (int run = 0; run < 300; run++) {
      List<PlanEdit> edits = new ArrayList<>();
      Report tree = host;
      int shapes = 2 + rnd.nextInt(10);
      for (int i = 0; i < shapes; i++) {
        List<PlanEdit> next = new ArrayList<>(edits);
        next.add(shaping(tree, rnd));
        try {
          tree = PlanEditor.apply(host, next);
          edits = next;
        } catch (PlanEditException refusedShape) {
          // a shaping edit the tree cannot take: the tree stays as it was
        }
      }
      // mostly a switch with empty ports, and one of them moved (often the first: the case the
      // rule is about)
      List<String> switches = of(tree, PortType.SWITCH_UPSTREAM);
      Report t = tree;
      List<String> withEmpty = switches.stream().filter(u -> !emptyPorts(t, u).isEmpty()).toList();
      List<String> pool = withEmpty.isEmpty() || rnd.nextInt(4) == 0 ? switches : withEmpty;
      String to = pool.get(rnd.nextInt(pool.size()));
      List<String> empty = emptyPorts(tree, to);
      String device =
          !empty.isEmpty() && rnd.nextInt(3) > 0
              ? empty.get(rnd.nextBoolean() ? 0 : rnd.nextInt(empty.size()))
              : tree.pci().get(rnd.nextInt(tree.pci().size())).bdf();
      Set<String> moved = subtree(tree, device);
      List<String> outside = empty.stream().filter(p -> !moved.contains(p)).toList();
      List<PlanEdit> all = new ArrayList<>(edits);
      all.add(new PlanEdit.Move(device, to));
      String what = all.toString();
      boolean intoItself = moved.contains(to) || !empty.isEmpty() && outside.isEmpty();
      Report plan;
      try {
        plan = PlanEditor.apply(host, all);
      } catch (PlanEditException x) {
        String m = x.getMessage();
        boolean ownRefusal = m.contains("part of the device being moved");
        assertEquals(intoItself, ownRefusal, what + ": " + m);
        assertTrue(ownRefusal || m.contains("added switches nest"), what + ": " + m);
        refused += ownRefusal ? 1 : 0;
        continue;
      }
      if (intoItself) {
        fail(what + ": applied, though every empty port of " + to + " is part of " + device);
      }
      Map<String, PciFunction> by = PlanEditorTest.byBdf(plan);
      String parent = by.get(device).parent();
      if (!outside.isEmpty()) {
        assertEquals(outside.get(0), parent, what);
        tookNext += empty.get(0).equals(outside.get(0)) ? 0 : 1;
      } else {
        assertNotNull(parent, what);
        assertTrue(tree.pci().stream().noneMatch(f -> f.bdf().equals(parent)), "new: " + what);
        assertEquals(to, by.get(parent).parent(), what);
      }
    }
    // the generator reaches both sides of the rule
    System.out.println(tookNext + " moves took a port after their own, " + refused + " refused");
    assertTrue(tookNext > 20, tookNext + " moves took a port after their own");
    assertTrue(refused > 20, refused + " refused");
  }

  /** An edit that changes the tree's shape: a switch of 1-4 ports in an empty port, or a move. */
  static PlanEdit shaping(Report r, Random rnd) {
    List<String> slots = of(r, PortType.SWITCH_DOWNSTREAM);
    slots.addAll(of(r, PortType.ROOT_PORT));
    List<String> empty =
        slots.stream().filter(p -> r.pci().stream().noneMatch(f -> p.equals(f.parent()))).toList();
    String slot = slots.get(rnd.nextInt(slots.size()));
    if (!empty.isEmpty() && rnd.nextBoolean()) {
      return new PlanEdit.AddSwitch(empty.get(rnd.nextInt(empty.size())), 1 + rnd.nextInt(4), 8, 8);
    }
    List<String> targets = of(r, PortType.SWITCH_UPSTREAM);
    targets.add(slot);
    String device = r.pci().get(rnd.nextInt(r.pci().size())).bdf();
    return new PlanEdit.Move(device, targets.get(rnd.nextInt(targets.size())));
  }

  /** The functions of a port type, by BDF. */
  static List<String> of(Report r, PortType type) {
    return new ArrayList<>(
        r.pci().stream()
            .filter(f -> f.portType() == type)
            .map(PciFunction::bdf)
            .sorted(PciTopology::compareBdf)
            .toList());
  }

  /** The downstream ports below the switch {@code up} with nothing below them, by BDF. */
  static List<String> emptyPorts(Report r, String up) {
    return r.pci().stream()
        .filter(f -> up.equals(f.parent()) && f.portType() == PortType.SWITCH_DOWNSTREAM)
        .map(PciFunction::bdf)
        .filter(p -> r.pci().stream().noneMatch(g -> p.equals(g.parent())))
        .sorted(PciTopology::compareBdf)
        .toList();
  }

  /** Every function of the device of {@code bdf} (same domain, bus and device; VFs by their PF). */
  static Set<String> subtree(Report r, String bdf) {
    Map<String, PciFunction> by = PlanEditorTest.byBdf(r);
    String dev = deviceOf(by.get(bdf));
    Set<String> out = new LinkedHashSet<>();
    r.pci().stream().filter(f -> deviceOf(f).equals(dev)).forEach(f -> out.add(f.bdf()));
    for (boolean grew = true; grew; ) {
      grew = false;
      for (PciFunction f : r.pci()) {
        grew |= f.parent() != null && out.contains(f.parent()) && out.add(f.bdf());
      }
    }
    return out;
  }

  static String deviceOf(PciFunction f) {
    String b = f.sriov() != null && f.sriov().physfn() != null ? f.sriov().physfn() : f.bdf();
    return b.substring(0, b.lastIndexOf('.'));
  }
}
