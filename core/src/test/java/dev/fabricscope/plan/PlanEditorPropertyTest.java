package dev.fabricscope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.TopologyCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Many random edit sequences on the rig: every sequence either applies, giving a sound report that
 * the P2P rules read, or is refused with a {@link PlanEditException}; nothing else escapes, and the
 * host the plan came from never changes.
 */
class PlanEditorPropertyTest {

  private static final double[] SPEEDS = {2.5, 5.0, 8.0, 16.0, 32.0, 64.0, 7.0};
  private static final int[] WIDTHS = {1, 2, 4, 8, 16, 32, 3};

  @Test
  void randomEditSequencesApplyOrAreRefusedCleanly() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    String before = host.toString();
    Random rnd = new Random(20261205L);
    int applied = 0;
    int refused = 0;
    for (int run = 0; run < 400; run++) {
      // a sequence grows edit by edit against the plan as it stands; a refused edit is dropped
      List<PlanEdit> edits = new ArrayList<>();
      Report current = host;
      for (int i = 0; i < 6; i++) {
        List<PlanEdit> next = new ArrayList<>(edits);
        next.add(randomEdit(current, rnd));
        try {
          Report plan = PlanEditor.apply(host, next);
          assertEquals(List.of(), TopologyCheck.problems(plan), next.toString());
          new P2pAnalyzer(plan).matrix();
          edits = next;
          current = plan;
          applied++;
        } catch (PlanEditException x) {
          assertTrue(x.getMessage().startsWith("edit " + next.size() + " ("), x.getMessage());
          refused++;
        }
      }
    }
    assertEquals(before, host.toString(), "the host a plan comes from is never changed");
    assertTrue(applied > 500 && refused > 200, applied + " applied, " + refused + " refused");
  }

  private static PlanEdit randomEdit(Report r, Random rnd) {
    List<String> all = r.pci().stream().map(PciFunction::bdf).toList();
    List<String> ports =
        r.pci().stream()
            .filter(
                f ->
                    f.portType() != null
                        && f.portType() != PortType.ENDPOINT
                        && f.portType() != PortType.RC_INTEGRATED)
            .map(PciFunction::bdf)
            .toList();
    List<String> endpoints =
        r.pci().stream()
            .filter(f -> f.portType() == PortType.ENDPOINT)
            .map(PciFunction::bdf)
            .toList();
    // mostly plausible names (an endpoint to move, a port to put it in), sometimes any function
    String any = all.get(rnd.nextInt(all.size()));
    String port = rnd.nextInt(5) == 0 ? any : ports.get(rnd.nextInt(ports.size()));
    String device =
        rnd.nextInt(5) == 0 || endpoints.isEmpty()
            ? any
            : endpoints.get(rnd.nextInt(endpoints.size()));
    return switch (rnd.nextInt(7)) {
      case 0, 1, 2 -> new PlanEdit.Move(device, port);
      case 3 ->
          new PlanEdit.AddSwitch(
              port,
              rnd.nextInt(5),
              SPEEDS[rnd.nextInt(SPEEDS.length)],
              WIDTHS[rnd.nextInt(WIDTHS.length)]);
      case 4 -> new PlanEdit.RemoveSwitch(port);
      case 5 ->
          rnd.nextBoolean()
              ? new PlanEdit.SetAcs(port, rnd.nextBoolean())
              : new PlanEdit.SetIommu(rnd.nextBoolean());
      default ->
          new PlanEdit.SetLink(
              device, SPEEDS[rnd.nextInt(SPEEDS.length)], WIDTHS[rnd.nextInt(WIDTHS.length)]);
    };
  }
}
