package dev.fabricscope.api;

import dev.fabricscope.demo.DemoReports;
import dev.fabricscope.demo.DemoSummary;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.Access;
import dev.fabricscope.topology.Report;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The demo reports bundled with the server, read-only; the same read rule as the rest of the API.
 */
@Path("/api/v1/demo-reports")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Demo reports")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class DemoReportResource {

  @Inject DemoReports demoReports;
  @Inject Access access;

  /** One summary per loaded demo report. */
  @GET
  @Operation(
      operationId = "listDemoReports",
      summary = "List the bundled demo reports with device counts")
  @APIResponse(responseCode = "200", description = "One summary per demo report")
  public List<DemoSummary> list(@Context HttpServerRequest request) {
    access.requireRead(request);
    return demoReports.summaries();
  }

  /**
   * One demo report as report JSON (schema version 1). Written with {@link ReportJson}'s mapper,
   * not the server's, so unknown values stay as explicit {@code null}s and the document is
   * byte-for-byte what the agent writes.
   */
  @GET
  @Path("/{name}")
  @Operation(
      operationId = "getDemoReport",
      summary = "One demo report as report JSON (schema version 1)")
  @APIResponse(
      responseCode = "200",
      description = "The report",
      content = @Content(schema = @Schema(ref = "Report")))
  @APIResponse(responseCode = "404", ref = "NotFound")
  public String get(@Context HttpServerRequest request, @PathParam("name") String name) {
    access.requireRead(request);
    Report report = demoReports.find(name).orElseThrow(() -> new DemoReportNotFoundException(name));
    return ReportJson.write(report);
  }
}
