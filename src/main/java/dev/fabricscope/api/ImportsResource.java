package dev.fabricscope.api;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.ingest.ReportIngest;
import dev.fabricscope.ingest.ReportParser;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import dev.fabricscope.sysfs.UnpackTemps;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Report;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Imports (operator role): any format the importers detect — hwloc XML, NCCL XML, a gathered sysfs
 * archive, lspci text, report JSON — stored as a host snapshot marked imported.
 */
@jakarta.ws.rs.Path("/api/v1/imports")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Imports")
@SecurityRequirement(name = "bearer", scopes = "operator")
public class ImportsResource {

  /**
   * The least role that may import: the resource's rule, which {@link BodyWrite} also applies
   * before a large body is read.
   */
  public static final Role WRITER = Role.OPERATOR;

  @Inject Access access;
  @Inject ReportIngest ingest;
  @Inject FabricscopeConfig config;
  @Inject ImportSlots slots;

  /** What an import stored. */
  @Schema(name = "ImportResult")
  public record Imported(
      String host,
      long snapshotId,
      String outcome,
      String source,
      int pciFunctions,
      int diagnostics,
      List<Diagnostic> diagnosticItems) {}

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "importFile",
      summary = "Import a file (format detected); ?host= names hosts the file does not name",
      description =
          "hwloc XML (1.x-3.0), NCCL topology XML, a gathered sysfs archive (.tar, .tar.gz,"
              + " .tar.bz2), lspci -tv/-tvnn text with optional -vvv blocks, or report JSON; held"
              + " to the checks of sendReport and stored as an imported snapshot.")
  @RequestBody(
      required = true,
      content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Report")),
        @Content(
            mediaType = MediaType.APPLICATION_XML,
            schema = @Schema(type = SchemaType.STRING, description = "hwloc or NCCL XML")),
        @Content(
            mediaType = MediaType.TEXT_PLAIN,
            schema = @Schema(type = SchemaType.STRING, description = "lspci output")),
        @Content(
            mediaType = MediaType.APPLICATION_OCTET_STREAM,
            schema =
                @Schema(
                    type = SchemaType.STRING,
                    format = "binary",
                    description = "any of the formats, e.g. a gathered archive"))
      })
  @APIResponse(
      responseCode = "201",
      description = "Stored",
      content = @Content(schema = @Schema(implementation = Imported.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(responseCode = "500", ref = "ImportNotStaged")
  @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
  @APIResponse(responseCode = "507", ref = "InsufficientStorage")
  public Response importFile(
      byte[] body,
      @Context HttpServerRequest request,
      @QueryParam("host") String host,
      @Parameter(description = "key=value, repeatable: labels of the host") @QueryParam("label")
          List<String> labels) {
    Caller caller = access.require(request, WRITER);
    if (body.length == 0) {
      throw ApiException.badRequest("the body is empty: send the file to import");
    }
    if (body.length > Importers.MAX_BYTES) {
      throw new ApiException(
          413,
          "Import too large",
          "an import may be at most "
              + mebibytes(Importers.MAX_BYTES)
              + "; this one is "
              + mebibytes(body.length));
    }
    Report report;
    try (ImportSlots.Slot slot = slots.take()) {
      report = load(body);
    }
    if (host != null && !host.isBlank()) {
      report = report.withHostName(host);
    }
    if (report.host() == null || report.host().name() == null) {
      throw ApiException.unprocessable(
          "the file does not name its host (" + report.source() + "): pass ?host=NAME");
    }
    String name = ReportParser.hostName(report);
    ReportIngest.Result r =
        ingest.store(report, name, true, ReportsResource.labels(labels), caller.creator());
    return Response.status(201)
        .entity(
            new Imported(
                name,
                r.snapshotId(),
                r.outcome().name(),
                report.source(),
                report.pci().size(),
                report.diagnostics().size(),
                report.diagnostics()))
        .build();
  }

  /** A size for people: "64.0 MiB (67,108,864 bytes)". */
  static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB (%,d bytes)", bytes / (double) (1L << 20), bytes);
  }

  /** What an upload is called in import messages and diagnostics. */
  static final String UPLOAD = "upload";

  private Report load(byte[] body) {
    Path base;
    try {
      base = ImportFolder.of(config.tmpdir());
    } catch (IOException e) {
      throw StagingFailures.folderUnusable(e);
    }
    Path tmp = null;
    try {
      tmp =
          Files.createTempFile(
              base, UnpackTemps.ownPrefix(UnpackTemps.STAGED_PREFIX), UnpackTemps.STAGED_SUFFIX);
      Files.write(tmp, body);
      // named "upload": diagnostics and messages are stored and shown, the temp path is ours
      Path staged = tmp;
      return ParseDeadline.within(
          config.imports().parseTimeout(), () -> Importers.load(staged, UPLOAD, base));
    } catch (ParseDeadline.ExceededException e) {
      throw ApiException.unprocessable(
          "reading the import took longer than the "
              + ParseDeadline.describe(e.limit())
              + " the server allows (fabricscope.imports.parse-timeout); nothing was stored");
    } catch (ImportException e) {
      if (StagingFailures.noRoomBehind(e)) {
        throw StagingFailures.stagingFailed(new IOException(e.getMessage(), e));
      }
      throw ApiException.unprocessable(e.getMessage().replace(String.valueOf(tmp), UPLOAD));
    } catch (IOException e) {
      throw StagingFailures.stagingFailed(e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a leftover temp file is harmless; nothing more to do
        }
      }
    }
  }
}
