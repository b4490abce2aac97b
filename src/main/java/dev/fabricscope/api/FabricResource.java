package dev.fabricscope.api;

import dev.fabricscope.fabric.FabricService;
import dev.fabricscope.fabric.RdmaFabric;
import dev.fabricscope.security.Access;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The RDMA fabric: every host's RDMA ports grouped by InfiniBand subnet prefix or RoCE network. */
@Path("/api/v1/fabric")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Fabric")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class FabricResource {

  @Inject Access access;
  @Inject FabricService fabric;

  @GET
  @Operation(
      operationId = "listRdmaSubnets",
      summary = "RDMA subnets over the hosts' latest reports, with their hosts and ports")
  @APIResponse(responseCode = "200", description = "The subnets")
  public List<RdmaFabric.Subnet> subnets(@Context HttpServerRequest request) {
    access.requireRead(request);
    return fabric.subnets();
  }
}
