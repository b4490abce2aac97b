package dev.fabricscope.api;

import dev.fabricscope.findings.FleetFindingsService;
import dev.fabricscope.p2p.Finding;
import dev.fabricscope.security.Access;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * Fleet findings: rules over every host's latest snapshot, each with an explanation and a fix, a
 * page at a time (a fleet of thousands of hosts has tens of thousands of findings).
 */
@Path("/api/v1/findings")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Findings")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class FindingsResource {

  @Inject Access access;
  @Inject FleetFindingsService findings;

  /** The largest page of findings. */
  public static final int MAX_LIMIT = 5000;

  /**
   * The page when no limit is given: the largest, so that a client written before pages gets every
   * finding of any but the largest fleets (and a {@code Link} to the rest) instead of a silently
   * shorter list (a review of the change).
   */
  public static final int DEFAULT_LIMIT = MAX_LIMIT;

  @GET
  @Operation(
      operationId = "listFindings",
      summary = "Findings across the fleet, filtered by rule, host or severity, a page at a time",
      description =
          "At most `limit` (1-"
              + MAX_LIMIT
              + ", default "
              + DEFAULT_LIMIT
              + ") findings from `offset` (default 0), by host, severity and rule."
              + " `X-Total-Count` says how many match; a page with more after it carries a"
              + " `Link` header with `rel=\"next\"`.")
  @APIResponse(
      responseCode = "200",
      description = "The findings, by host, severity and rule",
      content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Finding.class)),
      headers = {
        @Header(
            name = "X-Total-Count",
            description = "how many findings match the filters",
            schema = @Schema(type = SchemaType.INTEGER)),
        @Header(
            name = "Link",
            description =
                "the next page, `<...&offset=N&limit=L>; rel=\"next\"`, when there is one",
            schema = @Schema(type = SchemaType.STRING))
      })
  @APIResponse(responseCode = "400", ref = "BadRequest")
  public Response list(
      @Context HttpServerRequest request,
      @QueryParam("rule") String rule,
      @QueryParam("host") String host,
      @Parameter(schema = @Schema(enumeration = {"info", "warning", "critical"}))
          @QueryParam("severity")
          String severity,
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0", defaultValue = "0"))
          @QueryParam("offset")
          String offsetParam,
      @Parameter(
              schema =
                  @Schema(
                      type = SchemaType.INTEGER,
                      minimum = "1",
                      maximum = "" + MAX_LIMIT,
                      defaultValue = "" + DEFAULT_LIMIT))
          @QueryParam("limit")
          String limitParam) {
    access.requireRead(request);
    // an unknown severity is the client's mistake, not a filter that matches nothing
    String sev = Params.oneOf("severity", severity, SEVERITIES);
    int offset = Params.intIn("offset", offsetParam, 0, 0, Integer.MAX_VALUE);
    int limit = Params.intIn("limit", limitParam, DEFAULT_LIMIT, 1, MAX_LIMIT);
    // empty is absent, as for every parameter (Params): a form's empty field filters nothing
    String r = rule == null || rule.isEmpty() ? null : rule;
    String h = host == null || host.isEmpty() ? null : host;
    List<Finding> matching = findings.filter(r, h, sev);
    int from = Math.min(offset, matching.size());
    int to = (int) Math.min(matching.size(), (long) from + limit);
    Response.ResponseBuilder answer =
        Response.ok(matching.subList(from, to)).header("X-Total-Count", matching.size());
    if (to < matching.size()) {
      answer.header("Link", "<" + query(r, h, sev, to, limit) + ">; rel=\"next\"");
    }
    return answer.build();
  }

  /** The severities a finding has, as {@code severity} takes them. */
  static final List<String> SEVERITIES =
      java.util.Arrays.stream(Finding.Severity.values()).map(Finding.Severity::json).toList();

  /**
   * This list's address with these filters (each null = any), from {@code offset} for {@code limit}
   * findings: the next page's {@code Link}, and the findings page's JSON link with offset and limit
   * null (the first page, the API's default limit).
   */
  public static String query(
      String rule, String host, String severity, Integer offset, Integer limit) {
    StringBuilder q = new StringBuilder("/api/v1/findings?");
    for (String[] kv : new String[][] {{"rule", rule}, {"host", host}, {"severity", severity}}) {
      if (kv[1] != null) {
        q.append(kv[0]).append('=').append(URLEncoder.encode(kv[1], StandardCharsets.UTF_8));
        q.append('&');
      }
    }
    if (offset != null) {
      q.append("offset=").append(offset).append('&');
    }
    if (limit != null) {
      q.append("limit=").append(limit).append('&');
    }
    // the last '&', or the '?' of a query without filters
    return q.substring(0, q.length() - 1);
  }
}
