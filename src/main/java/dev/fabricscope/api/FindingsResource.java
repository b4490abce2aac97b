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

/** Fleet findings: rules over every host's latest snapshot, each with an explanation and a fix. */
@Path("/api/v1/findings")
@Produces(MediaType.APPLICATION_JSON)
public class FindingsResource {

  @Inject Access access;
  @Inject FleetFindingsService findings;

  @GET
  @Operation(summary = "Findings across the fleet, filtered by rule, host or severity")
  public List<Finding> list(
      @Context HttpServerRequest request,
      @QueryParam("rule") String rule,
      @QueryParam("host") String host,
      @QueryParam("severity") String severity) {
    access.requireRead(request);
    return findings.filter(rule, host, severity);
  }
}
