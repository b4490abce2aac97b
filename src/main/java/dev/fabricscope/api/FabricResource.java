package dev.fabricscope.api;

import dev.fabricscope.fabric.FabricService;
import dev.fabricscope.fabric.HostRdmaPorts;
import dev.fabricscope.fabric.RdmaFabric;
import dev.fabricscope.security.Access;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The RDMA fabric: every host's RDMA ports grouped by InfiniBand subnet prefix or RoCE network. */
@Path("/api/v1/fabric")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Fabric")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class FabricResource {

  /** The header that counts the ports the subnets leave out, over all hosts. */
  public static final String PORTS_LEFT_OUT = "Fabricscope-Ports-Left-Out";

  @Inject Access access;
  @Inject FabricService fabric;

  /**
   * A host whose RDMA ports the view leaves out past its first {@link HostRdmaPorts#MAX_PORTS}.
   *
   * @param host the host's name
   * @param ports how many of its ports are in no subnet of the view
   */
  @Schema(name = "RdmaPortsLeftOut")
  public record LeftOut(String host, int ports) {}

  @GET
  @Operation(
      operationId = "listRdmaSubnets",
      summary = "RDMA subnets over the hosts' latest reports, with their hosts and ports",
      description =
          "A host lists at most its first 256 RDMA ports; the header `"
              + PORTS_LEFT_OUT
              + "` counts the ports left out over all hosts (0 when none), and"
              + " `/api/v1/fabric/left-out` names their hosts.")
  @APIResponse(
      responseCode = "200",
      description = "The subnets",
      content =
          @Content(
              schema = @Schema(type = SchemaType.ARRAY, implementation = RdmaFabric.Subnet.class)),
      headers =
          @Header(
              name = PORTS_LEFT_OUT,
              description = "RDMA ports in no subnet of this answer, over all hosts",
              schema = @Schema(type = SchemaType.INTEGER, minimum = "0")))
  public Response subnets(@Context HttpServerRequest request) {
    access.requireRead(request);
    FabricService.View view = fabric.view(); // one read of the hosts
    int leftOut = view.leftOut().values().stream().mapToInt(Integer::intValue).sum();
    return Response.ok(view.subnets()).header(PORTS_LEFT_OUT, leftOut).build();
  }

  @GET
  @Path("/left-out")
  @Operation(
      operationId = "listRdmaPortsLeftOut",
      summary =
          "Hosts with more RDMA ports than the fabric view lists, with how many it leaves out")
  @APIResponse(responseCode = "200", description = "The hosts, by name; empty when none")
  public List<LeftOut> leftOut(@Context HttpServerRequest request) {
    access.requireRead(request);
    return fabric.leftOut().entrySet().stream()
        .map(e -> new LeftOut(e.getKey(), e.getValue()))
        .toList();
  }
}
