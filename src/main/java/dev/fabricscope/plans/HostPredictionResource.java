package dev.fabricscope.plans;

import dev.fabricscope.api.HostSnapshots;
import dev.fabricscope.api.P2pMatrices;
import dev.fabricscope.api.WholeReports;
import dev.fabricscope.planner.PairingTopology;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.security.Access;
import dev.fabricscope.topology.Report;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The planner on a host's latest snapshot: a pattern, or a custom list of concurrent flows. */
@Path("/api/v1/hosts/{host}/prediction")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Plans")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class HostPredictionResource {

  @Inject Access access;
  @Inject HostSnapshots hosts;
  @Inject MemoryCapacities memory;
  @Inject P2pMatrices matrices;
  @Inject WholeReports whole;

  @GET
  @Operation(
      operationId = "getHostPrediction",
      summary = "Pairing and max-min fair rates of concurrent flows on the latest snapshot",
      description =
          "pattern: gpu-to-nic (default), gpu-to-host, gpu-all-to-all, nvme-to-gpu; or flow=SRC>DST"
              + " repeated (SRC and DST: a BDF, memory:N or network:BDF[/PORT]) for a custom list."
              + " interSocketGBps and memoryGBps override the documented default capacities;"
              + " without memoryGBps each NUMA node's host memory takes the host's fastest"
              + " host-memcpy bandwidth test within that node, else the default. capacities.memory"
              + " says which, per node.")
  @APIResponse(
      responseCode = "200",
      description = "The prediction",
      content = @Content(schema = @Schema(implementation = HostPrediction.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response predict(
      @PathParam("host") String host,
      @BeanParam FlowsQuery query,
      @Context HttpServerRequest request,
      @Context RoutingContext routing) {
    var caller = access.requireRead(request);
    PlanOptions options = query.options(); // a bad value is a 400 before any read
    long snapshot = hosts.snapshotAt(host, null); // an unknown host: 404, not a wait for a slot
    // the snapshot read, parsed and planned in one of the /p2p slots: a whole report each, so
    // parallel predictions of a large host cannot run the heap out; answered as a whole report is
    // (sixteenth security review: 2.5 MB answers to clients that did not read took all of Netty's
    // direct memory)
    return whole.computed(
        () ->
            memory.predict(
                host,
                HostSnapshots.read(hosts.json(snapshot)),
                query.pattern(),
                query.flows(),
                options),
        caller,
        routing);
  }

  /**
   * The pairing of a pattern as NCCL's topology XML (the NICs the pairing did not choose left out).
   */
  @GET
  @Path("/nccl-topology")
  @Produces(MediaType.APPLICATION_XML)
  @Operation(
      operationId = "getHostPairingNcclTopology",
      summary = "The pairing as an NCCL topology XML (NCCL_TOPO_FILE)",
      description =
          "The host's NCCL topology XML with every NIC the pattern's pairing did not choose left"
              + " out, so NCCL sees the GPUs and exactly the paired NICs.")
  @APIResponse(
      responseCode = "200",
      description = "NCCL topology XML, as an attachment",
      content =
          @org.eclipse.microprofile.openapi.annotations.media.Content(
              mediaType = MediaType.APPLICATION_XML,
              schema =
                  @Schema(
                      type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                      description = "NCCL topology XML")))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public jakarta.ws.rs.core.Response ncclTopology(
      @PathParam("host") String host,
      @Parameter(
              schema =
                  @Schema(
                      enumeration = {"gpu-to-nic", "gpu-to-host", "gpu-all-to-all", "nvme-to-gpu"}))
          @QueryParam("pattern")
          String pattern,
      @Context HttpServerRequest request) {
    access.requireRead(request);
    var chosen = PlanService.pattern(pattern); // a 400 before any read
    long snapshot = hosts.snapshotAt(host, null);
    // as the prediction: in a /p2p slot
    String xml =
        matrices.inSlot(
            () -> {
              Report r = HostSnapshots.read(hosts.json(snapshot));
              PlanResult plan = PlanService.predict(r, chosen, null);
              return PairingTopology.ncclXml(r, plan.pairing());
            });
    return jakarta.ws.rs.core.Response.ok(xml)
        .header("Content-Disposition", "attachment; filename=\"nccl-topology-pairing.xml\"")
        .build();
  }
}
