package dev.fabricscope.api;

import dev.fabricscope.graph.FabricGraph;
import dev.fabricscope.graph.FabricGraphs;
import dev.fabricscope.security.Access;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A host's fabric as a drawable graph (issue 14): computed here, laid out by the page. */
@Path("/api/v1/hosts/{host}/graph")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Hosts")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class HostGraphResource {

  @Inject Access access;
  @Inject HostsResource hosts;

  @GET
  @Operation(
      operationId = "getHostGraph",
      summary = "The latest snapshot as nodes and edges to draw",
      description =
          "Nodes: NUMA-node and switch boxes, host bridges, ports and devices (with the Matrix"
              + " tab's names, ACS redirect, folded VFs); edges: PCIe links with the trained"
              + " generation, width and state, NVLink bonds with their count. Platform functions"
              + " on root buses are left out unless platform=true.")
  @APIResponse(responseCode = "200", description = "The graph")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public FabricGraph graph(
      @Context HttpServerRequest request,
      @PathParam("host") String host,
      @Parameter(schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
          @QueryParam("platform")
          String platform) {
    access.requireRead(request);
    Boolean all = Params.bool("platform", platform);
    return FabricGraphs.of(hosts.report(host, null), Boolean.TRUE.equals(all));
  }
}
