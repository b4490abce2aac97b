package dev.fabricscope.events;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import dev.fabricscope.security.SignOnSessions;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Server-Sent Events for one host: a {@code snapshot} event (JSON {@link HostEvents.SnapshotAdded})
 * whenever a report adds a snapshot, a {@code bandwidth} event ({@link
 * HostEvents.BandwidthChanged}) whenever a bandwidth test of the host moves. Same access as the
 * read API, for as long as the stream is open: a stream opened with a token ends when that token is
 * revoked, one opened by a signed-on person (session cookie or the provider's JWT) when the session
 * is signed out or its token expires.
 */
@Path("/api/v1/host-events/{host}")
@Tag(name = "Events")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class HostEventsResource {

  /**
   * How often an open stream re-reads its token from the database (or checks its sign-on session's
   * logout and expiry). A revocation or logout through this server ends the stream at once; through
   * another replica (which shares only the database) within this period, the same bound the token
   * cache of {@link Access} has.
   */
  static final Duration TOKEN_RECHECK = Duration.ofSeconds(5);

  /**
   * How long a stream's place waits for the stream to start. A client that drops the connection
   * right after sending the request leaves a stream that is never subscribed, so it never ends and
   * would keep its place for good: a review leaked the server's whole count that way.
   */
  static final long START_GRACE_MILLIS = 5_000;

  /** Marks the end of a stream whose token was revoked or session signed out; never sent. */
  private static final HostEvents.Event REVOKED =
      new HostEvents.SnapshotAdded("revoked", "", 0, false);

  @Inject Access access;
  @Inject InventoryStore store;
  @Inject HostEvents events;
  @Inject SignOnSessions sessions;
  @Inject EventStreamSlots slots;
  @Inject io.vertx.core.Vertx vertx;

  @GET
  // the caller and the host are looked up in the database (and, with sign-on, the provider's
  // token checked) before the stream opens: not on the event loop
  @io.smallrye.common.annotation.Blocking
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RestStreamElementType(MediaType.APPLICATION_JSON)
  @Operation(
      operationId = "streamHostEvents",
      summary =
          "Server-Sent Events of the host: hello, then snapshot (new snapshot) and bandwidth (a"
              + " bandwidth test of the host queued, moved or ended)")
  @APIResponse(
      responseCode = "200",
      description =
          "The stream; ends when the token is revoked, or the sign-on session signed out or"
              + " expired",
      content =
          @Content(
              mediaType = MediaType.SERVER_SENT_EVENTS,
              schema =
                  @Schema(
                      type = SchemaType.STRING,
                      description =
                          "data: one JSON object per event, {type: hello|snapshot, host,"
                              + " snapshotId, imported} or {type: bandwidth, host, jobId, kind,"
                              + " state, phase, sourceHost, source, targetHost, target,"
                              + " measuredGBps, expectedGBps, verdict, message}")))
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "429", ref = "TooManyRequests")
  public Multi<HostEvents.Event> events(
      @Context HttpServerRequest request, @PathParam("host") String host) {
    Caller caller = access.requireRead(request);
    InventoryStore.Host h =
        store.host(host).orElseThrow(() -> ApiException.notFound("no host named " + host));
    Long latest = h.latestSnapshotId();
    HostEvents.SnapshotAdded hello =
        new HostEvents.SnapshotAdded("hello", host, latest == null ? 0 : latest, h.imported());
    // The hello event opens the stream at once, so the page knows it is live.
    Multi<HostEvents.Event> live =
        Multi.createBy()
            .merging()
            .streams(Multi.createFrom().<HostEvents.Event>item(hello), events.of(host));
    Multi<HostEvents.Event> end = endOf(caller, request.getHeader("Authorization"));
    Multi<HostEvents.Event> stream =
        end == null
            ? live // anonymous reads: nothing that could be revoked or signed out
            : Multi.createBy().merging().streams(live, end).select().first(e -> e != REVOKED);
    EventStreamSlots.Slot slot = slots.take(caller, request.remoteAddress().hostAddress());
    // pending → started, or pending → abandoned (then the stream, if it ever starts, is empty)
    AtomicInteger state = new AtomicInteger(PENDING);
    vertx.setTimer(
        START_GRACE_MILLIS,
        id -> {
          if (state.compareAndSet(PENDING, ABANDONED)) {
            slot.release();
          }
        });
    return Multi.createFrom()
        .deferred(() -> state.compareAndSet(PENDING, STARTED) ? stream : Multi.createFrom().empty())
        // given back however the stream ends: completed, failed, or the client went away
        .onTermination()
        .invoke(slot::release);
  }

  private static final int PENDING = 0;
  private static final int STARTED = 1;
  private static final int ABANDONED = 2;

  /**
   * What ends the stream of {@code caller}: its token's revocation, or its sign-on session's logout
   * or expiry, seen at once when made through this server, else at the next recheck. Null for
   * anonymous reads.
   */
  private Multi<HostEvents.Event> endOf(Caller caller, String authorization) {
    // ticks run on a worker thread, where the database may be asked
    Multi<Long> ticks = Multi.createFrom().ticks().every(TOKEN_RECHECK);
    if (caller.tokenId() != 0) {
      long tokenId = caller.tokenId();
      return Multi.createBy()
          .merging()
          .streams(
              access.revocations().select().where(id -> id == tokenId).map(id -> REVOKED),
              ticks.select().where(t -> !access.stillActive(authorization)).map(t -> REVOKED));
    }
    Caller.Session session = caller.session();
    if (session == null) {
      return null;
    }
    // a role taken away at the provider comes with the session's next token: the browser's
    // EventSource reconnects when the stream ends at expiry, and that request is checked anew
    return Multi.createBy()
        .merging()
        .streams(
            sessions.endings().select().where(session.id()::equals).map(id -> REVOKED),
            ticks.select().where(t -> !sessions.active(session)).map(t -> REVOKED));
  }
}
