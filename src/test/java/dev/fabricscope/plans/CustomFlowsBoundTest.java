package dev.fabricscope.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.path.HostBuilder;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.planner.Planner;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A custom {@code flow=} list as the prediction endpoints plan it ({@link PlanService#predict}): a
 * list whose flows cross more links than the planner fills ({@link Planner#MAX_FILL_VISITS}) is a
 * 422 as a pattern over the planner's bounds is, not a 400 (the list is valid) nor a long
 * computation; one on a host of thousands of GPUs and NICs within the bound answers quickly.
 */
class CustomFlowsBoundTest {

  /** Each of {@code gpus} GPUs below two switches of its own: three links to the host each. */
  static Report deepHost(int gpus) {
    HostBuilder b = HostBuilder.host();
    for (int i = 0; i < gpus; i++) {
      String rp = String.format("%04x:00:00.0", i);
      b.rootPort(rp, 0)
          .switchUp(String.format("%04x:01:00.0", i), rp, 16, 16)
          .switchDown(String.format("%04x:02:00.0", i), String.format("%04x:01:00.0", i))
          .switchUp(String.format("%04x:03:00.0", i), String.format("%04x:02:00.0", i), 16, 16)
          .switchDown(String.format("%04x:04:00.0", i), String.format("%04x:03:00.0", i))
          .gpu(String.format("%04x:05:00.0", i), String.format("%04x:04:00.0", i), 16, 16);
    }
    return b.build();
  }

  @Test
  void aListOverTheFillBoundIsA422() {
    Report r = deepHost(Planner.MAX_FLOWS);
    List<String> flows = new ArrayList<>();
    for (int k = 0; k < Planner.MAX_FLOWS; k++) {
      int next = (k + 1) % Planner.MAX_FLOWS;
      flows.add(String.format("%04x:05:00.0>%04x:05:00.0", k, next));
    }
    ApiException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                assertThrows(
                    ApiException.class,
                    () -> PlanService.predict(r, null, flows, PlanOptions.DEFAULTS)));
    assertEquals(422, e.status());
    assertTrue(e.getMessage().contains("the planner fills at most 67108864"), e.getMessage());
    // half the list crosses half the links: planned
    PlanResult half = PlanService.predict(r, null, flows.subList(0, 1024), PlanOptions.DEFAULTS);
    assertEquals(1024, half.flows().size());
  }

  @Test
  void aListOnAHostOfThousandsOfGpusAndNicsAnswersQuickly() {
    Report big = BigHostPlanningTest.hostOf(3000, 3000);
    List<String> flows = new ArrayList<>();
    for (int k = 0; k < Planner.MAX_FLOWS; k++) {
      flows.add(String.format("%04x:01:00.0>network:%04x:01:00.0", k % 3000, 3000 + k % 3000));
    }
    PlanResult p =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> PlanService.predict(big, null, flows, PlanOptions.DEFAULTS));
    assertEquals(Planner.MAX_FLOWS, p.flows().size());
    assertTrue(p.flows().stream().allMatch(f -> f.predictedGBps() != null));
  }
}
