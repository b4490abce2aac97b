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

/** The RDMA fabric: every host's RDMA ports grouped by InfiniBand subnet prefix or RoCE network. */
@Path("/api/v1/fabric")
@Produces(MediaType.APPLICATION_JSON)
public class FabricResource {

  @Inject Access access;
  @Inject FabricService fabric;

  @GET
  @Operation(summary = "RDMA subnets over the hosts' latest reports, with their hosts and ports")
  public List<RdmaFabric.Subnet> subnets(@Context HttpServerRequest request) {
    access.requireRead(request);
    return fabric.subnets();
  }
}
