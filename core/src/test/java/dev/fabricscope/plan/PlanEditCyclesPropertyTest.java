package dev.fabricscope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.TopologyCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated edit sequences aimed at the tree's shape: moves into the moved device's own subtree or
 * into the switch it sits in, switches added one inside another, IOMMU toggles. Every prefix
 * applies or is refused as an edit error within {@link PlanEditCostTest#BOUND}; an applied plan is
 * sound, so no edit ever leaves a parent cycle or a chain past the bounds behind.
 */
class PlanEditCyclesPropertyTest {

  @Test
  void shapeChangingSequencesApplyOrAreRefusedWithinTheBound() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    Random rnd = new Random(20260311L);
    Map<String, Integer> refusals = new HashMap<>();
    int applied = 0;
    for (int run = 0; run < 80; run++) {
      List<PlanEdit> edits = new ArrayList<>();
      Report current = host;
      // every other run mostly nests switches, to reach the nesting bound
      boolean nesting = run % 2 == 0;
      for (int i = 0; i < 50; i++) {
        List<PlanEdit> next = new ArrayList<>(edits);
        next.add(nesting && rnd.nextInt(4) > 0 ? nest(current, rnd) : randomEdit(current, rnd));
        Report base = host;
        Object out =
            assertTimeoutPreemptively(
                PlanEditCostTest.BOUND,
                () -> {
                  try {
                    return PlanEditor.apply(base, next);
                  } catch (PlanEditException x) {
                    return x;
                  }
                },
                next::toString);
        if (out instanceof Report plan) {
          assertEquals(List.of(), TopologyCheck.problems(plan), next.toString());
          edits = next;
          current = plan;
          applied++;
        } else {
          String m = ((PlanEditException) out).getMessage();
          assertTrue(m.startsWith("edit " + next.size() + " ("), m);
          refusals.merge(kind(m), 1, Integer::sum);
        }
      }
    }
    // the generator reaches the cases this test is for
    System.out.println(applied + " applied, refused: " + refusals);
    assertTrue(applied > 500, applied + " applied");
    assertTrue(refusals.getOrDefault("own subtree", 0) > 50, refusals.toString());
    assertTrue(refusals.getOrDefault("nesting", 0) > 5, refusals.toString());
  }

  private static PlanEdit nest(Report r, Random rnd) {
    return new PlanEdit.AddSwitch(deepestEmptySlot(r, PlanEditorTest.byBdf(r), rnd), 1, 8.0, 8);
  }

  private static String kind(String m) {
    if (m.contains("part of the device being moved")) {
      return "own subtree";
    }
    return m.contains("added switches nest") ? "nesting" : "other";
  }

  private static PlanEdit randomEdit(Report r, Random rnd) {
    Map<String, PciFunction> by = PlanEditorTest.byBdf(r);
    List<String> all = new ArrayList<>(by.keySet());
    List<String> slots =
        r.pci().stream()
            .filter(
                f ->
                    f.portType() == PortType.ROOT_PORT
                        || f.portType() == PortType.SWITCH_DOWNSTREAM
                        || f.portType() == PortType.SWITCH_UPSTREAM)
            .map(PciFunction::bdf)
            .toList();
    String device = all.get(rnd.nextInt(all.size()));
    return switch (rnd.nextInt(6)) {
      case 0 -> new PlanEdit.Move(device, below(r, device, rnd));
      case 1 -> new PlanEdit.Move(device, switchAbove(by, device, slots, rnd));
      case 2 -> new PlanEdit.Move(device, slots.get(rnd.nextInt(slots.size())));
      case 3 -> new PlanEdit.AddSwitch(deepestEmptySlot(r, by, rnd), 1 + rnd.nextInt(3), 8.0, 8);
      case 4 -> new PlanEdit.SetIommu(rnd.nextBoolean());
      default -> new PlanEdit.RemoveSwitch(slots.get(rnd.nextInt(slots.size())));
    };
  }

  /** A function in the subtree of {@code device} (itself included). */
  private static String below(Report r, String device, Random rnd) {
    List<String> sub = new ArrayList<>(List.of(device));
    for (int i = 0; i < sub.size(); i++) {
      String p = sub.get(i);
      r.pci().stream().filter(f -> p.equals(f.parent())).forEach(f -> sub.add(f.bdf()));
    }
    return sub.get(rnd.nextInt(sub.size()));
  }

  /** The upstream port of the switch {@code device} hangs in, else any slot. */
  private static String switchAbove(
      Map<String, PciFunction> by, String device, List<String> slots, Random rnd) {
    for (String up = by.get(device).parent(); up != null; up = by.get(up).parent()) {
      if (by.get(up).portType() == PortType.SWITCH_UPSTREAM && rnd.nextInt(3) > 0) {
        return up;
      }
    }
    return slots.get(rnd.nextInt(slots.size()));
  }

  /** Mostly the deepest empty downstream port (so switches nest), sometimes a random port. */
  private static String deepestEmptySlot(Report r, Map<String, PciFunction> by, Random rnd) {
    String best = "0000:00:10.0";
    int bestDepth = -1;
    for (PciFunction f : r.pci()) {
      boolean empty = r.pci().stream().noneMatch(g -> f.bdf().equals(g.parent()));
      if (f.portType() == PortType.SWITCH_DOWNSTREAM && empty) {
        int d = 0;
        for (String up = f.parent(); up != null; up = by.get(up).parent()) {
          d++;
        }
        if (d > bestDepth || (d == bestDepth && rnd.nextBoolean())) {
          best = f.bdf();
          bestDepth = d;
        }
      }
    }
    return rnd.nextInt(5) == 0 ? r.pci().get(rnd.nextInt(r.pci().size())).bdf() : best;
  }
}
