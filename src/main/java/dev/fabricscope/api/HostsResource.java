package dev.fabricscope.api;

import dev.fabricscope.exporter.HwlocXmlExporter;
import dev.fabricscope.exporter.NcclXmlExporter;
import dev.fabricscope.findings.FleetFindingsService;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.inventory.InventoryStore.SnapshotMeta;
import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.DeviceNames;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.PairVerdict;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.TopologyDiff;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Read API over the inventory (viewer and up; anonymous only with anonymous-read on). */
@Path("/api/v1/hosts")
@Produces(MediaType.APPLICATION_JSON)
public class HostsResource {

  static final int MAX_PAGE = 500;

  @Inject Access access;
  @Inject InventoryStore store;
  @Inject FleetFindingsService findings;
  @Inject P2pMatrices matrices;

  @GET
  @Operation(
      summary =
          "Hosts, filtered by name, label, has-GPU or finding; sorted by name, lastSeen, gpus or"
              + " pciFunctions; paged")
  public InventoryStore.Page<Host> list(
      @Context HttpServerRequest request,
      @QueryParam("name") String name,
      @QueryParam("label") String label,
      @QueryParam("hasGpu") String hasGpuParam,
      @QueryParam("finding") String finding,
      @QueryParam("offset") String offsetParam,
      @QueryParam("limit") String limitParam,
      @QueryParam("sort") String sort) {
    access.requireRead(request);
    InventoryStore.Sort order;
    try {
      order = InventoryStore.Sort.parse(sort);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    Boolean hasGpu = Params.bool("hasGpu", hasGpuParam);
    int offset = Params.intIn("offset", offsetParam, 0, 0, Integer.MAX_VALUE);
    int limit = Params.intIn("limit", limitParam, 50, 1, MAX_PAGE);
    if (finding != null) {
      return findings.hostsWith(finding, name, label, hasGpu, offset, limit);
    }
    return store.hosts(new InventoryStore.HostQuery(name, label, hasGpu, offset, limit, order));
  }

  @GET
  @Path("/{host}")
  @Operation(summary = "One host")
  public Host host(@Context HttpServerRequest request, @PathParam("host") String host) {
    access.requireRead(request);
    return find(host);
  }

  @GET
  @Path("/{host}/snapshots")
  @Operation(summary = "A host's snapshots, newest first")
  public List<SnapshotMeta> snapshots(
      @Context HttpServerRequest request, @PathParam("host") String host) {
    access.requireRead(request);
    find(host);
    return store.snapshots(host);
  }

  @GET
  @Path("/{host}/snapshots/{id}")
  @Operation(summary = "One snapshot of the host as report JSON")
  public String snapshot(
      @Context HttpServerRequest request,
      @PathParam("host") String host,
      @PathParam("id") String idParam) {
    access.requireRead(request);
    long id = Params.id("snapshot id", idParam);
    find(host);
    if (store.snapshots(host).stream().noneMatch(s -> s.id() == id)) {
      throw ApiException.notFound("host " + host + " has no snapshot " + id);
    }
    return json(id);
  }

  @GET
  @Path("/{host}/topology")
  @Operation(summary = "The host's report at a time (ISO-8601; default: latest)")
  public String topology(
      @Context HttpServerRequest request,
      @PathParam("host") String host,
      @QueryParam("at") String at) {
    access.requireRead(request);
    return json(snapshotAt(host, at));
  }

  @GET
  @Path("/{host}/p2p")
  @Operation(
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
  @APIResponse(
      responseCode = "422",
      description = "More matrix devices than fabricscope.p2p.max-devices",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  @APIResponse(
      responseCode = "503",
      description = "Too many matrices being computed at once (Retry-After)",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response p2p(@Context HttpServerRequest request, @PathParam("host") String host) {
    access.requireRead(request);
    long id = snapshotAt(host, null);
    return Response.ok(matrices.json(id, () -> json(id)), MediaType.APPLICATION_JSON).build();
  }

  @GET
  @Path("/{host}/paths")
  @Operation(
      summary = "The verdict, path and reasons for one pair",
      description =
          "a and b are BDFs (0000:07:00.0, 07:00.0) or names: the labels of the Matrix tab and"
              + " topo (GPU0, NIC1), RDMA devices (mlx5_0), network interfaces (eth0), NVMe"
              + " controllers (nvme0) or hwloc OS device names (nvml0, cuda0). A name that"
              + " matches no device, or several, is a 400 that lists what is accepted.")
  @APIResponse(
      responseCode = "400",
      description = "A missing, unknown or ambiguous device name",
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public PairVerdict path(
      @Context HttpServerRequest request,
      @PathParam("host") String host,
      @QueryParam("a") String a,
      @QueryParam("b") String b) {
    access.requireRead(request);
    if (a == null || b == null) {
      throw ApiException.badRequest("paths needs ?a=&b= (BDFs or device names such as GPU0)");
    }
    P2pAnalyzer an = new P2pAnalyzer(report(host, null));
    DeviceNames names = DeviceNames.of(an);
    return an.pair(device(names, a, host), device(names, b, host));
  }

  /** The device a name names on the host; unknown or ambiguous names are the caller's error. */
  private static Device device(DeviceNames names, String name, String host) {
    try {
      return names.resolve(name);
    } catch (DeviceNames.UnknownNameException e) {
      throw ApiException.badRequest(e.getMessage() + " (host " + host + ")");
    }
  }

  @GET
  @Path("/{host}/diff")
  @Operation(summary = "Structural diff between two snapshots (default: the two latest)")
  public TopologyDiff.Diff diff(
      @Context HttpServerRequest request,
      @PathParam("host") String host,
      @QueryParam("from") String fromParam,
      @QueryParam("to") String toParam) {
    access.requireRead(request);
    Long from = Params.id("from", fromParam);
    Long to = Params.id("to", toParam);
    find(host);
    List<SnapshotMeta> snaps = store.snapshots(host);
    long toId = to != null ? to : snaps.get(0).id();
    long fromId = from != null ? from : snaps.size() > 1 ? snaps.get(1).id() : toId;
    for (long id : List.of(fromId, toId)) {
      if (snaps.stream().noneMatch(s -> s.id() == id)) {
        throw ApiException.notFound("host " + host + " has no snapshot " + id);
      }
    }
    return TopologyDiff.between(read(json(fromId)), read(json(toId)));
  }

  @GET
  @Path("/{host}/export")
  @Produces({MediaType.APPLICATION_JSON, MediaType.APPLICATION_XML})
  @Operation(summary = "The latest snapshot as report JSON, hwloc XML or NCCL topology XML")
  public Response export(
      @Context HttpServerRequest request,
      @PathParam("host") String host,
      @QueryParam("format") @DefaultValue("report") String format) {
    access.requireRead(request);
    Report r = report(host, null);
    return switch (format) {
      case "report" -> Response.ok(ReportJson.write(r), MediaType.APPLICATION_JSON).build();
      case "hwloc-xml" ->
          Response.ok(HwlocXmlExporter.write(r), MediaType.APPLICATION_XML)
              .header("Content-Disposition", "attachment; filename=\"" + host + ".xml\"")
              .build();
      case "nccl-xml" ->
          Response.ok(NcclXmlExporter.write(r), MediaType.APPLICATION_XML)
              .header("Content-Disposition", "attachment; filename=\"" + host + "-nccl-topo.xml\"")
              .build();
      default -> throw ApiException.badRequest("format must be report, hwloc-xml or nccl-xml");
    };
  }

  Host find(String host) {
    return store.host(host).orElseThrow(() -> ApiException.notFound("no host named " + host));
  }

  long snapshotAt(String host, String at) {
    Host h = find(host);
    if (at == null || at.isBlank()) {
      if (h.latestSnapshotId() == null) {
        throw ApiException.notFound("host " + host + " has no snapshot");
      }
      return h.latestSnapshotId();
    }
    Instant t;
    try {
      t = Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("at must be an ISO-8601 instant like 2026-11-24T06:00:00Z");
    }
    return store
        .snapshotAt(host, t)
        .map(SnapshotMeta::id)
        .orElseThrow(() -> ApiException.notFound("host " + host + " had no snapshot at " + at));
  }

  String json(long snapshotId) {
    return store
        .snapshotJson(snapshotId)
        .orElseThrow(() -> ApiException.notFound("no snapshot " + snapshotId));
  }

  Report report(String host, String at) {
    return read(json(snapshotAt(host, at)));
  }

  static Report read(String json) {
    try {
      return ReportJson.read(json);
    } catch (IOException e) {
      throw new IllegalStateException("a stored snapshot does not read back", e);
    }
  }
}
