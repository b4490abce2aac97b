package dev.fabricscope.api;

import dev.fabricscope.ingest.ReportIngest;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Agents send their reports here (agent tokens, bound to one host). */
@Path("/api/v1/reports")
@Produces(MediaType.APPLICATION_JSON)
public class ReportsResource {

  /** A report JSON larger than this is refused (a 2,000-function host writes ~2 MB). */
  static final int MAX_REPORT_BYTES = 16 << 20;

  @Inject Access access;
  @Inject ReportIngest ingest;
  @Inject InventoryStore store;

  /** What the agent gets back. */
  public record Ack(long snapshotId, String outcome, String host) {}

  /** A heartbeat: the host still has the content it last sent. */
  public record Heartbeat(String host, String contentHash) {}

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Send a report (agent token): 201 new snapshot, 200 unchanged")
  public Response send(
      byte[] body,
      @Context HttpServerRequest request,
      @jakarta.ws.rs.QueryParam("label") List<String> labelParams) {
    if (body.length > MAX_REPORT_BYTES) {
      throw new ApiException(
          413,
          "Report too large",
          "a report may be at most " + MAX_REPORT_BYTES + " bytes; this one is " + body.length);
    }
    Caller caller = access.caller(request);
    if (caller.role() == null || caller == Caller.LOCAL_VIEWER) {
      throw ApiException.unauthorized();
    }
    Map<String, String> labels = labels(labelParams);
    ReportIngest.Result r =
        ingest.ingest(
            body, caller.host(), host -> access.requireAgentFor(request, host), false, labels);
    Ack ack = new Ack(r.snapshotId(), r.outcome().name(), r.host());
    int status = r.outcome() == InventoryStore.Outcome.CREATED ? 201 : 200;
    return Response.status(status).entity(ack).build();
  }

  @POST
  @Path("/heartbeat")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Agent heartbeat: 204 when the server has this content, 409 when not")
  public Response heartbeat(Heartbeat hb, @Context HttpServerRequest request) {
    if (hb == null || hb.host() == null || hb.contentHash() == null) {
      throw ApiException.badRequest("a heartbeat is {\"host\": ..., \"contentHash\": ...}");
    }
    access.requireAgentFor(request, hb.host());
    if (store.touch(hb.host(), hb.contentHash(), Instant.now())) {
      return Response.noContent().build();
    }
    throw new ApiException(
        409,
        "Content unknown",
        "the server's latest report of " + hb.host() + " has another hash: send the full report");
  }

  /** {@code label=k=v} query parameters. */
  static Map<String, String> labels(List<String> params) {
    Map<String, String> out = new LinkedHashMap<>();
    if (params == null) {
      return out;
    }
    for (String p : params) {
      int eq = p.indexOf('=');
      if (eq <= 0 || p.length() > 200) {
        throw ApiException.badRequest("a label is key=value (at most 200 characters): " + p);
      }
      out.put(p.substring(0, eq), p.substring(eq + 1));
    }
    return out;
  }
}
