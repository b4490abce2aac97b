package dev.fabricscope.plans;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.plan.HostSelector;
import dev.fabricscope.plan.JobShape;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Which hosts fit a job (issue 13): a read for schedulers, answered from cached offers. */
@Path("/api/v1/plans/select")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Plans")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class HostSelectionResource {

  private static final Set<String> FIELDS =
      Set.of("gpusPerHost", "nicsPerGpu", "gpudirectRdma", "minGpuNicGBps", "fabric");

  @Inject Access access;
  @Inject HostOffers offers;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "selectHosts",
      summary = "The hosts that fit a job shape, best first, with their GPUs and NIC ports",
      description =
          "Body: {\"gpusPerHost\": 1-64, \"nicsPerGpu\": 0-8 (default 1), \"gpudirectRdma\":"
              + " bool (default false), \"minGpuNicGBps\": GB/s or null, \"fabric\": InfiniBand,"
              + " Ethernet or null}. Hosts are ranked by the lowest predicted GPU→NIC rate of the"
              + " GPUs chosen (every GPU sending at once), then their sum; the others are listed"
              + " with the reason they do not fit (\"not planned: …\" for a host over the"
              + " planner's bound of 65,536 GPU × (NIC + NVMe) pairs).")
  @APIResponse(responseCode = "200", description = "The ranking")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  public HostSelector.Selection select(byte[] body, @Context HttpServerRequest request) {
    access.requireRead(request);
    return HostSelector.select(shape(body), offers.all());
  }

  static JobShape shape(byte[] body) {
    JsonNode n = PlanBodies.object(body, FIELDS, 4096);
    try {
      return new JobShape(
          integer(n, "gpusPerHost", null),
          integer(n, "nicsPerGpu", 1),
          bool(n, "gpudirectRdma"),
          number(n, "minGpuNicGBps"),
          text(n, "fabric"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static int integer(JsonNode n, String f, Integer dflt) {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      if (dflt == null) {
        throw ApiException.badRequest(f + " is required");
      }
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw ApiException.badRequest(f + " must be a whole number");
    }
    return v.intValue();
  }

  private static boolean bool(JsonNode n, String f) {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw ApiException.badRequest(f + " must be true or false");
    }
    return v.booleanValue();
  }

  private static Double number(JsonNode n, String f) {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw ApiException.badRequest(f + " must be a number of GB/s");
    }
    return v.doubleValue();
  }

  private static String text(JsonNode n, String f) {
    JsonNode v = n.get(f);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.textValue().length() > 32) {
      throw ApiException.badRequest(f + " must be InfiniBand or Ethernet");
    }
    return v.textValue();
  }
}
