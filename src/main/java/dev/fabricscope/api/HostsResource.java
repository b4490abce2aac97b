package dev.fabricscope.api;

import dev.fabricscope.findings.FleetFindingsService;
import dev.fabricscope.ingest.KnownHosts;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.inventory.InventoryStore.SnapshotMeta;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.p2p.PairVerdict;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import dev.fabricscope.topology.TopologyDiff;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
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

/** Read API over the inventory (viewer and up; anonymous only with anonymous-read on). */
@Path("/api/v1/hosts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Hosts")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class HostsResource {

  @Inject Access access;
  @Inject InventoryStore store;
  @Inject FleetFindingsService findings;
  @Inject P2pMatrices matrices;
  @Inject HostSnapshots snapshots;
  @Inject SnapshotDiffs diffs;
  @Inject WholeReports whole;
  @Inject KnownHosts known;
  @Inject BulkHostDelete bulkDelete;

  @GET
  @Operation(
      operationId = "listHosts",
      summary =
          "Hosts, filtered by name, label, has-GPU, finding or creator; sorted by name, lastSeen,"
              + " gpus or pciFunctions; paged")
  @APIResponse(responseCode = "200", description = "A page of hosts")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  public InventoryStore.Page<Host> list(
      @Context HttpServerRequest request,
      @QueryParam("name") String name,
      @QueryParam("label") String label,
      @Parameter(schema = @Schema(type = SchemaType.BOOLEAN)) @QueryParam("hasGpu")
          String hasGpuParam,
      @QueryParam("finding") String finding,
      @BeanParam PageQuery page,
      @Parameter(schema = @Schema(enumeration = {"name", "lastSeen", "gpus", "pciFunctions"}))
          @QueryParam("sort")
          String sort,
      @Parameter(
              description = CREATED_BY,
              schema = @Schema(type = SchemaType.STRING, maxLength = InventoryStore.MAX_CREATED_BY))
          @QueryParam("createdBy")
          String createdByParam) {
    access.requireRead(request);
    InventoryStore.Sort order;
    try {
      order = InventoryStore.Sort.parse(sort);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    Boolean hasGpu = Params.bool("hasGpu", hasGpuParam);
    String createdBy = Params.text("createdBy", createdByParam, InventoryStore.MAX_CREATED_BY);
    int offset = page.offset();
    int limit = page.limit();
    if (finding != null) {
      return findings.hostsWith(finding, name, label, hasGpu, createdBy, offset, limit);
    }
    return store.hosts(
        new InventoryStore.HostQuery(name, label, hasGpu, offset, limit, order, createdBy));
  }

  static final String CREATED_BY =
      "who created the hosts, exactly as a host's createdBy reads (agent:NAME, token:NAME,"
          + " person:SUBJECT, server); at most 255 characters, no control characters";

  @DELETE
  @Operation(
      operationId = "deleteHostsCreatedBy",
      summary = "Delete every host one caller created (admin)",
      description =
          "Every host whose createdBy is the given one, with its snapshots, as deleteHost deletes"
              + " one, in batches of 100 hosts per transaction; logged once. Their agents' next"
              + " reports make them again: revoke the caller's token first.")
  @SecurityRequirement(name = "bearer", scopes = "admin")
  @APIResponse(
      responseCode = "200",
      description = "How many hosts were deleted (0 when that caller created none)",
      content = @Content(schema = @Schema(implementation = BulkHostDelete.Deleted.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "403", ref = "Forbidden")
  public BulkHostDelete.Deleted deleteCreatedBy(
      @Context HttpServerRequest request,
      @Parameter(
              required = true,
              description = CREATED_BY,
              schema =
                  @Schema(
                      type = SchemaType.STRING,
                      minLength = 1,
                      maxLength = InventoryStore.MAX_CREATED_BY))
          @QueryParam("createdBy")
          String createdByParam) {
    // the role first: a non-admin learns 403, not what the query should have been
    Caller caller = access.require(request, Role.ADMIN);
    String createdBy = Params.text("createdBy", createdByParam, InventoryStore.MAX_CREATED_BY);
    if (createdBy == null) {
      throw ApiException.badRequest(
          "createdBy is required: whose hosts to delete (DELETE /api/v1/hosts/{host} deletes one)");
    }
    return bulkDelete.delete(createdBy, caller);
  }

  @GET
  @Path("/{host}")
  @Operation(operationId = "getHost", summary = "One host")
  @APIResponse(responseCode = "200", description = "The host")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public Host host(@Context HttpServerRequest request, @PathParam("host") String host) {
    access.requireRead(request);
    return snapshots.find(host);
  }

  @DELETE
  @Path("/{host}")
  @Operation(
      operationId = "deleteHost",
      summary = "Delete a host with its snapshots (admin); its agent's next report makes it again")
  @SecurityRequirement(name = "bearer", scopes = "admin")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "403", ref = "Forbidden")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public Response delete(@Context HttpServerRequest request, @PathParam("host") String host) {
    Caller caller = access.require(request, Role.ADMIN);
    if (!store.deleteHost(host)) {
      throw ApiException.notFound("no host " + host);
    }
    known.forget(host);
    findings.retainHosts(java.util.Set.copyOf(store.latestSnapshotIds().keySet()));
    findings.invalidate(); // the fleet's findings are cached for a few seconds
    Log.infof("Host %.255s deleted by %s", host, caller.name());
    return Response.noContent().build();
  }

  @GET
  @Path("/{host}/p2p")
  @Operation(
      operationId = "getP2pMatrix",
      summary = "P2P verdict codes for every device pair of the latest snapshot, compact",
      description =
          "The devices once, each distinct verdict once (kernel map type, distance and"
              + " provisional flag; nvidia-smi labels; NCCL path and decisions; bottleneck GB/s),"
              + " and per unordered pair (i, j), i < j, row by row, the index of its verdict:"
              + " pairs[i*n - i*(i+1)/2 + j-i-1]. No hops or reasons: ask /paths for those."
              + " Hosts with more than fabricscope.p2p.max-devices (2000) matrix devices get 422;"
              + " answers are cached by snapshot; when too many are being computed, 503 with"
              + " Retry-After.")
  @APIResponse(
      responseCode = "200",
      description = "The compact matrix",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = P2pMatrices.Answer.class)))
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(
      responseCode = "422",
      ref = "UnprocessableContent",
      description = "More matrix devices than fabricscope.p2p.max-devices")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response p2p(
      @Context HttpServerRequest request,
      @Context RoutingContext routing,
      @PathParam("host") String host) {
    var caller = access.requireRead(request);
    long id = snapshots.snapshotAt(host, null);
    // megabytes for a large host: answered as a whole report is (sixteenth security review: one
    // viewer's clients that did not read took all of Netty's direct memory)
    return whole.ok(() -> matrices.gzip(id, () -> snapshots.json(id)), caller, routing);
  }

  @GET
  @Path("/{host}/paths")
  @Operation(
      operationId = "getPath",
      summary = "The verdict, path and reasons for one pair",
      description =
          "a and b are BDFs (0000:07:00.0, 07:00.0) or names: the labels of the Matrix tab and"
              + " topo (GPU0, NIC1), RDMA devices (mlx5_0), network interfaces (eth0), NVMe"
              + " controllers (nvme0) or hwloc OS device names (nvml0, cuda0). A name that"
              + " matches no device, or several, is a 400 that lists what is accepted.")
  @APIResponse(responseCode = "200", description = "The pair's verdicts")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public PairVerdict path(
      @Context HttpServerRequest request,
      @PathParam("host") String host,
      @QueryParam("a") String a,
      @QueryParam("b") String b) {
    access.requireRead(request);
    PairByName.requireBoth(a, b);
    long id = snapshots.snapshotAt(host, null); // an unknown host: 404, not a wait for a slot
    // the report read and its devices named: in a /p2p slot, as the graph and the matrix
    return matrices.inSlot(
        () ->
            PairByName.verdict(
                HostSnapshots.read(snapshots.json(id)), a, b, " (host " + host + ")"));
  }

  @GET
  @Path("/{host}/diff")
  @Operation(
      operationId = "getDiff",
      summary = "Structural diff between two snapshots (default: the two latest)",
      description =
          "Cached by the two snapshot ids; computed in the slots of /p2p: when too many are being"
              + " computed, 503 with Retry-After.")
  @APIResponse(
      responseCode = "200",
      description = "The diff",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = TopologyDiff.Diff.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(
      responseCode = "503",
      ref = "ServiceUnavailable",
      description = "Too many diffs and matrices being computed at once (Retry-After)")
  public Response diff(
      @Context HttpServerRequest request,
      @Context RoutingContext routing,
      @PathParam("host") String host,
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @QueryParam("from")
          String fromParam,
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @QueryParam("to")
          String toParam) {
    var caller = access.requireRead(request);
    Long from = Params.id("from", fromParam);
    Long to = Params.id("to", toParam);
    Host h = snapshots.find(host);
    List<SnapshotMeta> latest = store.snapshots(host, null, 2);
    long toId = snapshots.ofHost(h, to != null ? to : latest.get(0).id());
    long fromId =
        snapshots.ofHost(h, from != null ? from : latest.size() > 1 ? latest.get(1).id() : toId);
    // answered as a whole report is: 4.3 MB for a host of 20,000 functions (fifteenth review)
    return whole.ok(
        () -> GzipJson.compress(diffs.json(fromId, toId, snapshots::json)), caller, routing);
  }
}
