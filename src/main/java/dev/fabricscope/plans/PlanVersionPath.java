package dev.fabricscope.plans;

import dev.fabricscope.api.Params;
import dev.fabricscope.inventory.PlanStore.Summary;
import dev.fabricscope.topology.Report;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * A plan version named by the path {@code /plans/{id}/versions/{version}/...} (a {@link
 * jakarta.ws.rs.BeanParam}): the two path parameters, declared once for every read of a version,
 * and their checks (a malformed number is a 400, a missing plan or version a 404).
 */
public class PlanVersionPath {

  @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
  @PathParam("id")
  String id;

  @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1"))
  @PathParam("version")
  String version;

  /** The plan. */
  Summary plan(PlanService plans) {
    return plans.plan(Params.id("plan id", id));
  }

  /** The version's edited report of {@code p}, this path's plan. */
  Report report(PlanService plans, Summary p) {
    return plans.report(p, PlanService.versionParam(p, version));
  }

  /** The version's edited report. */
  Report report(PlanService plans) {
    return report(plans, plan(plans));
  }
}
