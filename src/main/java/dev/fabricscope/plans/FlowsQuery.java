package dev.fabricscope.plans;

import dev.fabricscope.planner.PlanOptions;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The flows a prediction is asked for and the capacities it may override, as the query parameters
 * of {@code GET /hosts/{h}/prediction}, {@code GET /plans/{id}/versions/{v}/prediction} and {@code
 * GET /plans/{id}/compare} (a {@link jakarta.ws.rs.BeanParam}): one declaration, so the three
 * cannot drift apart in names, documentation or checks.
 */
public class FlowsQuery {

  @Parameter(
      schema =
          @Schema(enumeration = {"gpu-to-nic", "gpu-to-host", "gpu-all-to-all", "nvme-to-gpu"}))
  @QueryParam("pattern")
  String pattern;

  @Parameter(description = "a custom flow SRC>DST; repeat for several")
  @QueryParam("flow")
  List<String> flows;

  @Parameter(description = "inter-socket capacity per direction, GB/s: 0.001 to below 1000000")
  @QueryParam("interSocketGBps")
  String interSocketGBps;

  @Parameter(description = "host memory capacity per direction, GB/s: 0.001 to below 1000000")
  @QueryParam("memoryGBps")
  String memoryGBps;

  /** {@code pattern}: a pattern's name, null for the default (checked where it is planned). */
  String pattern() {
    return pattern;
  }

  /** {@code flow}, repeated: a custom list instead of a pattern, or none. */
  List<String> flows() {
    return flows;
  }

  /** The capacity overrides, checked: a bad value is a 400 before anything is read. */
  PlanOptions options() {
    return PlanService.options(interSocketGBps, memoryGBps);
  }
}
