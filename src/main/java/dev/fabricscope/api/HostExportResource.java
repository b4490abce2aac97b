package dev.fabricscope.api;

import dev.fabricscope.exporter.HwlocXmlExporter;
import dev.fabricscope.exporter.NcclXmlExporter;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
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
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A host's latest snapshot in the formats other tools read (viewer). */
@Path("/api/v1/hosts/{host}/export")
@Tag(name = "Hosts")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class HostExportResource {

  @Inject Access access;
  @Inject HostSnapshots hosts;
  @Inject P2pMatrices matrices;
  @Inject WholeReports whole;

  @GET
  @Produces({MediaType.APPLICATION_JSON, MediaType.APPLICATION_XML})
  @Operation(
      operationId = "exportHost",
      summary = "The latest snapshot as report JSON, hwloc XML or NCCL topology XML")
  @APIResponse(
      responseCode = "200",
      description = "report: JSON; hwloc-xml and nccl-xml: XML, as an attachment",
      content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Report")),
        @Content(
            mediaType = MediaType.APPLICATION_XML,
            schema = @Schema(type = SchemaType.STRING, description = "hwloc or NCCL topology XML"))
      })
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response export(
      @Context HttpServerRequest request,
      @Context RoutingContext routing,
      @PathParam("host") String host,
      @Parameter(schema = @Schema(enumeration = {"report", "hwloc-xml", "nccl-xml"}))
          @QueryParam("format")
          @DefaultValue("report")
          String format) {
    var caller = access.requireRead(request);
    Format f = Format.named(format);
    // reading and writing a whole report in one of the slots /p2p and the plan views share, so
    // that many exports of a large host at once cannot take the heap (eleventh security review)
    long id = hosts.snapshotAt(host, null); // an unknown host: 404, not a wait for a slot
    // kept compressed while the client reads it (GzipJson): a slow reader held the whole text;
    // built once a place to answer it is taken
    Supplier<byte[]> gzip =
        () ->
            f == Format.REPORT
                ? hosts.gzip(id)
                : matrices.inSlot(
                    () -> GzipJson.compress(f.writer.apply(HostSnapshots.read(hosts.json(id)))));
    return attachment(whole.answer(gzip, caller, routing, f.mediaType), host, f.suffix);
  }

  /** The formats {@code format} names: each its writer, media type and file name suffix. */
  private enum Format {
    REPORT("report", ReportJson::write, MediaType.APPLICATION_JSON, "-report.json"),
    HWLOC("hwloc-xml", HwlocXmlExporter::write, MediaType.APPLICATION_XML, ".xml"),
    NCCL("nccl-xml", NcclXmlExporter::write, MediaType.APPLICATION_XML, "-nccl-topo.xml");

    private final String name;
    private final Function<Report, String> writer;
    private final String mediaType;
    private final String suffix;

    Format(String name, Function<Report, String> writer, String mediaType, String suffix) {
      this.name = name;
      this.writer = writer;
      this.mediaType = mediaType;
      this.suffix = suffix;
    }

    static Format named(String name) {
      for (Format f : values()) {
        if (f.name.equals(name)) {
          return f;
        }
      }
      throw ApiException.badRequest("format must be report, hwloc-xml or nccl-xml");
    }
  }

  /**
   * Sends the answer as a download named after the host. The host name is reduced to letters,
   * digits, dot, dash and underscore so that no name can break out of the header's quotes or name a
   * path; a name that loses characters that way says so with the underscore.
   */
  static Response attachment(Response.ResponseBuilder ok, String host, String suffix) {
    String safe = host.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
    return ok.header("Content-Disposition", "attachment; filename=\"" + safe + suffix + "\"")
        .build();
  }
}
