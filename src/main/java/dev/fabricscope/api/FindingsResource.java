package dev.fabricscope.api;

import dev.fabricscope.findings.FleetFindingsService;
import dev.fabricscope.p2p.Finding;
import dev.fabricscope.security.Access;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Fleet findings: rules over every host's latest snapshot, each with an explanation and a fix. */
@Path("/api/v1/findings")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Findings")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class FindingsResource {

  @Inject Access access;
  @Inject FleetFindingsService findings;

  @GET
  @Operation(
      operationId = "listFindings",
      summary = "Findings across the fleet, filtered by rule, host or severity")
  @APIResponse(responseCode = "200", description = "The findings, by host, severity and rule")
  public List<Finding> list(
      @Context HttpServerRequest request,
      @QueryParam("rule") String rule,
      @QueryParam("host") String host,
      @Parameter(schema = @Schema(enumeration = {"info", "warning", "critical"}))
          @QueryParam("severity")
          String severity) {
    access.requireRead(request);
    return findings.filter(rule, host, severity);
  }
}
