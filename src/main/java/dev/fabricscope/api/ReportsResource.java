package dev.fabricscope.api;

import dev.fabricscope.ingest.IngestExecutor;
import dev.fabricscope.ingest.KnownHosts;
import dev.fabricscope.ingest.ReportIngest;
import dev.fabricscope.ingest.ReportRate;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.metrics.IngestMetrics;
import dev.fabricscope.report.ContentHash;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Agents send their reports here (agent tokens, bound to one host). */
@Path("/api/v1/reports")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Reports")
@SecurityRequirement(name = "bearer", scopes = "agent")
public class ReportsResource {

  /** A report JSON larger than this is refused (a 2,000-function host writes ~2 MB). */
  static final int MAX_REPORT_BYTES = 16 << 20;

  @Inject Access access;
  @Inject ReportIngest ingest;
  @Inject KnownHosts known;
  @Inject IngestExecutor executor;
  @Inject ReportRate rate;
  @Inject IngestMetrics metrics;

  /** What the agent gets back. */
  @Schema(name = "ReportAck")
  public record Ack(
      long snapshotId,
      @Schema(enumeration = {"CREATED", "UNCHANGED"}) String outcome,
      String host) {}

  /** A heartbeat: the host still has the content it last sent. */
  public record Heartbeat(
      @Schema(required = true) String host,
      @Schema(required = true, description = "SHA-256 of the report JSON, hex")
          String contentHash) {}

  /**
   * Runs on the HTTP event loop: an unchanged report from an agent whose token is cached is
   * answered from memory ({@link ReportIngest#unchangedFromMemory}); everything else (parsing, the
   * database) is queued for the ingest threads ({@link IngestExecutor}; 503 when the queue is
   * full).
   */
  @POST
  @Consumes(MediaType.WILDCARD)
  @NonBlocking
  @Operation(
      operationId = "sendReport",
      summary = "Send a report (agent token of the report's host)",
      description =
          "Validated against the report schema and semantically (unique BDFs, parents exist, no"
              + " cycles, bounded sizes); stored as a new snapshot when the content changed."
              + " gzip or deflate Content-Encoding is decoded.")
  @RequestBody(
      required = true,
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Report")))
  @APIResponse(
      responseCode = "201",
      description = "A new snapshot",
      content = @Content(schema = @Schema(implementation = Ack.class)))
  @APIResponse(
      responseCode = "200",
      description = "Unchanged: the host's latest snapshot has this content",
      content = @Content(schema = @Schema(implementation = Ack.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(
      responseCode = "429",
      ref = "TooManyRequests",
      description =
          "The host sent more reports that needed parsing (changed or refused) than"
              + " fabricscope.ingest.parsed-* allow; resend after Retry-After")
  @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
  @APIResponse(responseCode = "507", ref = "InsufficientStorage")
  public Uni<Response> send(
      byte[] body,
      @Context HttpServerRequest request,
      @Parameter(description = "key=value, repeatable: labels of the host")
          @jakarta.ws.rs.QueryParam("label")
          List<String> labelParams) {
    if (body.length > MAX_REPORT_BYTES) {
      throw new ApiException(
          413,
          "Report too large",
          "a report may be at most " + MAX_REPORT_BYTES + " bytes; this one is " + body.length);
    }
    Access.requireBearer(request);
    Map<String, String> labels = labels(labelParams);
    Caller cached = access.cachedCaller(request);
    String bodyHash = null;
    if (cached != null && cached.role() == Role.AGENT && cached.host() != null) {
      bodyHash = ContentHash.of(body);
      ReportIngest.Result r = ingest.unchangedFromMemory(bodyHash, cached.host(), labels);
      if (r != null) {
        return Uni.createFrom().item(ack(r));
      }
      // refused here, before it waits for an ingest thread
      throttle(cached.host());
    }
    String hashed = bodyHash;
    // the cached agent's host took its place of the rate above; any other caller takes it there
    boolean throttledHere = bodyHash != null;
    return blocking(() -> sendBlocking(body, hashed, throttledHere, request, labels));
  }

  private Response sendBlocking(
      byte[] body,
      String bodyHash,
      boolean throttledAlready,
      HttpServerRequest request,
      Map<String, String> labels) {
    Caller caller = access.caller(request);
    if (caller.role() == null || caller == Caller.ANONYMOUS_READER) {
      throw ApiException.unauthorized();
    }
    if (!Caller.mayReport(caller.role())) {
      // before the body is parsed: whoever may not report at all is not worth parsing for
      throw ApiException.forbidden("reports are sent with an agent token");
    }
    if (!throttledAlready) {
      // a caller not bound to a host (an admin) is counted by its name; no host name has a space
      throttle(caller.host() != null ? caller.host() : "caller " + caller.name());
    }
    return ack(
        ingest.ingest(
            body,
            bodyHash,
            caller.host(),
            host -> access.requireAgentFor(request, host),
            false,
            labels,
            caller.creator()));
  }

  /**
   * Takes a place of {@link ReportRate} for this host; a 429 with Retry-After when none is free.
   */
  private void throttle(String host) {
    long waitNanos = rate.take(host, System.nanoTime());
    if (waitNanos > 0) {
      metrics.throttled();
      long seconds = ReportRate.retryAfterSeconds(waitNanos);
      throw new ApiException(
          429,
          "Too many reports",
          "more reports that needed parsing (changed or refused) than fabricscope.ingest.parsed-*"
              + " allow for "
              + host
              + "; resend after "
              + seconds
              + " s",
          seconds);
    }
  }

  private static Response ack(ReportIngest.Result r) {
    Ack ack = new Ack(r.snapshotId(), r.outcome().name(), r.host());
    int status = r.outcome() == InventoryStore.Outcome.CREATED ? 201 : 200;
    return Response.status(status).entity(ack).build();
  }

  /** On the event loop when the token is cached and the content known; else on a worker. */
  @POST
  @Path("/heartbeat")
  @Consumes(MediaType.APPLICATION_JSON)
  @NonBlocking
  @Operation(
      operationId = "sendHeartbeat",
      summary = "Agent heartbeat: the host still has the content it last sent")
  @APIResponse(responseCode = "204", description = "The server has this content; last-seen moved")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(
      responseCode = "409",
      ref = "Conflict",
      description = "The server's latest report has another hash: send the full report")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
  public Uni<Response> heartbeat(Heartbeat hb, @Context HttpServerRequest request) {
    Access.requireBearer(request);
    if (hb == null || hb.host() == null || hb.contentHash() == null) {
      // the role first, as for a well-formed heartbeat: a viewer learns 403, not the body's shape
      return blocking(
          () -> {
            access.requireReporter(request);
            throw ApiException.badRequest("a heartbeat is {\"host\": ..., \"contentHash\": ...}");
          });
    }
    Caller cached = access.cachedCaller(request);
    if (cached != null
        && cached.role() == Role.AGENT
        && hb.host().equals(cached.host())
        && known.seenIfUnchanged(hb.host(), hb.contentHash(), Map.of(), Instant.now()) >= 0) {
      return Uni.createFrom().item(Response.noContent().build());
    }
    return blocking(
        () -> {
          access.requireAgentFor(request, hb.host());
          if (known.seenOrConfirmed(hb.host(), hb.contentHash(), Map.of(), Instant.now()) >= 0) {
            return Response.noContent().build();
          }
          throw new ApiException(
              409,
              "Content unknown",
              "the server's latest report of "
                  + hb.host()
                  + " has another hash: send the full report");
        });
  }

  private Uni<Response> blocking(java.util.function.Supplier<Response> work) {
    return executor.submit(work);
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
