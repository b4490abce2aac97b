package dev.fabricscope.api;

import dev.fabricscope.security.Access;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A host's report in force at a time (viewer), passed on from its stored, compressed form. */
@Path("/api/v1/hosts/{host}/topology")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Hosts")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class HostTopologyResource {

  @Inject Access access;
  @Inject HostSnapshots snapshots;
  @Inject WholeReports whole;

  @GET
  @Operation(
      operationId = "getTopology",
      summary = "The host's report at a time (ISO-8601; default: latest)")
  @APIResponse(
      responseCode = "200",
      description = "The report",
      content = @Content(schema = @Schema(ref = "Report")))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(
      responseCode = "503",
      ref = "ServiceUnavailable",
      description = "Too many whole reports on their way to clients at once (Retry-After)")
  public Response topology(
      @Context HttpServerRequest request,
      @Context RoutingContext routing,
      @PathParam("host") String host,
      @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date-time")) @QueryParam("at")
          String at) {
    var caller = access.requireRead(request);
    return whole.ok(snapshots.gzip(snapshots.snapshotAt(host, at)), caller, routing);
  }
}
