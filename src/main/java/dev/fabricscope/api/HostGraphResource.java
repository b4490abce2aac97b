package dev.fabricscope.api;

import dev.fabricscope.graph.FabricGraph;
import dev.fabricscope.graph.FabricGraphs;
import dev.fabricscope.graph.NvlinkRoute;
import dev.fabricscope.p2p.DeviceNames;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.PairVerdict;
import dev.fabricscope.p2p.SmiLabel;
import dev.fabricscope.security.Access;
import dev.fabricscope.topology.Report;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
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
  @Inject HostSnapshots hosts;
  @Inject P2pMatrices matrices;
  @Inject WholeReports whole;

  @GET
  @Operation(
      operationId = "getHostGraph",
      summary = "The latest snapshot as nodes and edges to draw",
      description =
          "Nodes: NUMA-node and switch boxes, host bridges, ports and devices (with the Matrix"
              + " tab's names, ACS redirect, folded VFs); edges: PCIe links with the trained"
              + " generation, width and state, NVLink bonds with their count. Platform functions"
              + " on root buses are left out unless platform=true. snapshot=ID draws one"
              + " snapshot of the host (the history page) instead of the latest. Each node's"
              + " keys are what a search finds it by: driver, RDMA devices, interfaces, NVMe"
              + " controllers, GPU UUID.")
  @APIResponse(
      responseCode = "200",
      description = "The graph",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = FabricGraph.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response graph(
      @Context HttpServerRequest request,
      @Context RoutingContext routing,
      @PathParam("host") String host,
      @Parameter(schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
          @QueryParam("platform")
          String platform,
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @QueryParam("snapshot")
          String snapshot) {
    var caller = access.requireRead(request);
    Boolean all = Params.bool("platform", platform);
    long id = snapshotId(host, snapshot); // 400 and 404 before any wait for a slot
    // a whole report read and drawn: in a /p2p slot, as the plan pages' graph, and answered as a
    // whole report is (fifteenth security review: 6.6 MB graphs to clients that did not read
    // stayed queued, 7 MB of heap each, until the idle timeout)
    return whole.computed(
        () -> FabricGraphs.of(HostSnapshots.read(hosts.json(id)), Boolean.TRUE.equals(all)),
        caller,
        routing);
  }

  @GET
  @Path("/route")
  @Operation(
      operationId = "getHostGraphRoute",
      summary = "The graph's NVLink edges a pair takes when nvidia-smi labels it NV#",
      description =
          "a and b as for /paths (BDFs or names). The direct NVLink bond, or both GPUs' links into"
              + " the NVSwitch fabric; empty edges when nvidia-smi's label is not NV# (the pair"
              + " then takes the PCIe path of /paths). label is nvidia-smi's label for the pair.")
  @APIResponse(responseCode = "200", description = "The NVLink route")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Route route(
      @Context HttpServerRequest request,
      @PathParam("host") String host,
      @QueryParam("a") String a,
      @QueryParam("b") String b) {
    access.requireRead(request);
    PairByName.requireBoth(a, b);
    long id = hosts.snapshotAt(host, null);
    return matrices.inSlot(
        () -> {
          Report report = HostSnapshots.read(hosts.json(id));
          DeviceNames names = DeviceNames.of(new P2pAnalyzer(report));
          PairVerdict v = PairByName.verdict(names, a, b, " (host " + host + ")");
          NvlinkRoute r =
              v.nvidia().level() == SmiLabel.Level.NV
                  ? NvlinkRoute.of(FabricGraphs.of(names, false), v.a(), v.b())
                  : new NvlinkRoute(v.a(), v.b(), List.of(), List.of(), false);
          return new Route(v.nvidia().toString(), r);
        });
  }

  /**
   * A pair's NVLink route.
   *
   * @param label nvidia-smi's label for the pair (NV6, SYS, …)
   * @param nvlink the NVLink edges and nodes of the graph the pair takes
   */
  public record Route(String label, NvlinkRoute nvlink) {}

  /** The latest snapshot, or {@code snapshot} when it is one of the host's (else 400 or 404). */
  private long snapshotId(String host, String snapshot) {
    if (snapshot == null) {
      return hosts.snapshotAt(host, null);
    }
    return hosts.ofHost(hosts.find(host), Params.id("snapshot id", snapshot));
  }
}
