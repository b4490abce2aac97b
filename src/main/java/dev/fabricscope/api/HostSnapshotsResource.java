package dev.fabricscope.api;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.inventory.InventoryStore.SnapshotMeta;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A host's snapshots over the API (viewer and up): the history a page at a time, newest first, and
 * one snapshot's whole report. Apart from {@link HostsResource} to keep each resource readable, as
 * the graph, export and topology resources are.
 */
@Path("/api/v1/hosts/{host}/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Hosts")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class HostSnapshotsResource {

  @Inject Access access;
  @Inject InventoryStore store;
  @Inject HostSnapshots snapshots;
  @Inject WholeReports whole;

  @GET
  @Operation(
      operationId = "listSnapshots",
      summary = "A host's snapshots, newest first, a page at a time",
      description =
          "At most `limit` (1-1000, default 100) snapshots, newest first; `before` (a snapshot id"
              + " of this host) starts the page after that snapshot. A full page carries a `Link`"
              + " header with `rel=\"next\"` to the next one.")
  @APIResponse(
      responseCode = "200",
      description = "The snapshots",
      content =
          @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = SnapshotMeta.class)),
      headers =
          @Header(
              name = "Link",
              description = "the next page, `<...?before=ID&limit=N>; rel=\"next\"`, when full",
              schema = @Schema(type = SchemaType.STRING)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public Response snapshots(
      @Context HttpServerRequest request,
      @PathParam("host") String host,
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @QueryParam("before")
          String beforeParam,
      @Parameter(
              schema =
                  @Schema(
                      type = SchemaType.INTEGER,
                      minimum = "1",
                      maximum = "1000",
                      defaultValue = "100"))
          @QueryParam("limit")
          String limitParam) {
    access.requireRead(request);
    Long before = Params.id("before", beforeParam);
    int limit = Params.intIn("limit", limitParam, 100, 1, 1000);
    Host h = snapshots.find(host);
    if (before != null) {
      snapshots.ofHost(h, before);
    }
    List<SnapshotMeta> page = store.snapshots(host, before, limit);
    Response.ResponseBuilder r = Response.ok(page);
    if (page.size() == limit) {
      r.header(
          "Link",
          "<"
              + HostPaths.api(host)
              + "/snapshots?before="
              + page.get(page.size() - 1).id()
              + "&limit="
              + limit
              + ">; rel=\"next\"");
    }
    return r.build();
  }

  @GET
  @Path("/{id}")
  @Operation(operationId = "getSnapshot", summary = "One snapshot of the host as report JSON")
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
  public Response snapshot(
      @Context HttpServerRequest request,
      @Context RoutingContext routing,
      @PathParam("host") String host,
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam) {
    var caller = access.requireRead(request);
    return whole.ok(snapshots.ofHost(host, idParam), caller, routing);
  }
}
