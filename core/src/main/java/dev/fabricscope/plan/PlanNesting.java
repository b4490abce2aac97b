package dev.fabricscope.plan;

import dev.fabricscope.topology.PciFunctionDraft;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.TopologyCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nesting of switches a plan adds ({@link PlanEditor#MAX_ADDED_NESTING}): counted where an
 * add-switch or a move would put them, so the bound holds however the chain is built.
 */
final class PlanNesting {

  private PlanNesting() {}

  /** Refuses the edit when {@code nested} added switches would sit on one chain at {@code port}. */
  static void check(int nested, String port) {
    if (nested > PlanEditor.MAX_ADDED_NESTING) {
      throw new PlanEditException(
          "at most "
              + PlanEditor.MAX_ADDED_NESTING
              + " added switches nest on one chain; at "
              + port
              + " there would be "
              + nested);
    }
  }

  /** Whether {@code d} is the upstream port of a switch a plan added (not discovered hardware). */
  static boolean isPlannedSwitch(PciFunctionDraft d) {
    return d.portType == PortType.SWITCH_UPSTREAM && "plan".equals(d.portTypeSource);
  }

  /** Planned switches ({@link #isPlannedSwitch}) from {@code bdf} up to its root bus. */
  static int at(PlanFabric fabric, String bdf) {
    int n = isPlannedSwitch(fabric.get(bdf)) ? 1 : 0;
    for (String up : fabric.above(bdf)) {
      n += isPlannedSwitch(fabric.get(up)) ? 1 : 0;
    }
    return n;
  }

  /**
   * The most planned switches on one chain inside {@code subtree} (a set closed downward, as {@link
   * PlanFabric#subtree} gives): how much nesting a move carries with it.
   */
  static int within(PlanFabric fabric, Set<String> subtree) {
    // per function: planned switches and steps from it up to the subtree's edge, each function
    // walked once (a walk per function cost the subtree's size times its depth, thirteenth review)
    Map<String, int[]> up = new HashMap<>();
    int most = 0;
    for (String b : subtree) {
      List<String> chain = new ArrayList<>();
      String cur = b;
      while (cur != null && subtree.contains(cur) && !up.containsKey(cur)) {
        chain.add(cur);
        if (chain.size() > TopologyCheck.MAX_DEPTH) {
          throw new PlanEditException(PlanFabric.tooDeep(b) + " or loops");
        }
        cur = fabric.get(cur).parent;
      }
      int[] above = cur != null && up.containsKey(cur) ? up.get(cur) : new int[] {0, 0};
      for (int i = chain.size() - 1; i >= 0; i--) {
        String f = chain.get(i);
        int[] here = {above[0] + (isPlannedSwitch(fabric.get(f)) ? 1 : 0), above[1] + 1};
        if (here[1] > TopologyCheck.MAX_DEPTH) {
          throw new PlanEditException(PlanFabric.tooDeep(b) + " or loops");
        }
        up.put(f, here);
        most = Math.max(most, here[0]);
        above = here;
      }
    }
    return most;
  }
}
