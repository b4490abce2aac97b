package dev.fabricscope.bandwidth;

import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One agent's long poll for work ({@code GET /api/v1/agents/{host}/jobs}), without a thread while
 * it waits: it holds a future that a new job of the host completes ({@link JobWaiters}) and a
 * timer, and asks the store on a worker thread at the start, on every wake-up and every {@code
 * poll-recheck}.
 *
 * <p>The caller is checked before every take, not only the first: a review saw a token revoked
 * while its poll waited get the next job (and, for a two-host test, the peer's address). Later
 * checks also ask the database ({@link Access#stillActive}), since a revocation through another
 * replica reaches this one's token cache only after 5 s; a revocation through this one wakes every
 * poll at once ({@link BandwidthJobs}). A revoked holder gets 401 and the job stays queued.
 *
 * <p>From its first check to its end, however it ends, the poll holds one of its host's places
 * ({@link BandwidthJobs#pollPlace}).
 */
final class JobPoll {

  private final Access access;
  private final BandwidthJobs jobs;
  private final BandwidthSettings settings;
  private final String host;
  private final long until;
  private final HttpServerRequest request;
  private volatile JobWaiters.Place place;

  JobPoll(
      Access access,
      BandwidthJobs jobs,
      BandwidthSettings settings,
      String host,
      Duration wait,
      HttpServerRequest request) {
    this.access = access;
    this.jobs = jobs;
    this.settings = settings;
    this.host = host;
    this.until = System.nanoTime() + wait.toNanos();
    this.request = request;
  }

  /** The answer: 200 with an assignment, 204 when none came within the wait. */
  Uni<Response> run() {
    return attempt(true)
        // an answer, a failure, or the framework's cancel when the client went away
        .onTermination()
        .invoke(
            () -> {
              JobWaiters.Place p = place;
              if (p != null) {
                p.release();
              }
            });
  }

  private Uni<Response> attempt(boolean first) {
    // registered before the store is asked: a job queued in between still wakes this poll
    CompletableFuture<Void> wake = jobs.waitFor(host);
    return worker(
            () -> {
              check(first);
              // a poll whose agent went away takes nothing: the side would be lost with it
              return gone() ? Optional.<JobView.Assignment>empty() : jobs.take(host);
            })
        .onFailure()
        .invoke(() -> jobs.stopWaiting(host, wake))
        .chain(
            a -> {
              long left = until - System.nanoTime();
              if (a.isPresent() || left <= 0 || gone()) {
                jobs.stopWaiting(host, wake);
                return Uni.createFrom()
                    .item(
                        a.map(x -> Response.ok(x).build())
                            .orElseGet(() -> Response.noContent().build()));
              }
              long nap = Math.min(left, settings.pollRecheck().toNanos());
              return Uni.createFrom()
                  .completionStage(wake)
                  .ifNoItem()
                  .after(Duration.ofNanos(nap))
                  .recoverWithUni(() -> Uni.createFrom().voidItem())
                  .chain(
                      x -> {
                        jobs.stopWaiting(host, wake);
                        return attempt(false);
                      });
            });
  }

  /** The caller may take the host's work now; the first check also takes a place. Blocking. */
  private void check(boolean first) {
    Caller c = access.requireAgentFor(request, host);
    if (first) {
      place = jobs.pollPlace(host, this::gone);
    } else if (c.tokenId() != 0 && !access.stillActive(request.getHeader("Authorization"))) {
      // one of our tokens, revoked through another replica within the cache's 5 s
      throw new ApiException(401, "Unauthorized", "this token was revoked");
    }
  }

  private boolean gone() {
    return request.response().closed();
  }

  private static <T> Uni<T> worker(java.util.function.Supplier<T> work) {
    return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }
}
