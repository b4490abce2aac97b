package dev.fabricscope.security;

import dev.fabricscope.cluster.ClusterBus;
import dev.fabricscope.cluster.ClusterNotice;
import io.quarkus.oidc.SecurityEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sign-on sessions that were signed out, for what outlives a request: open event streams of the
 * session end, and its session cookie is refused should it come again. quarkus-oidc keeps a session
 * in its encrypted cookie alone, so logging out clears the browser's cookie but tells nothing to a
 * stream the browser opened before; its logout event does, here. Another replica's logout arrives
 * as a {@link ClusterNotice.SessionEnded}. A session is remembered until its token expires: from
 * then on quarkus-oidc refuses it anyway.
 */
@ApplicationScoped
public class SignOnSessions {

  @Inject ClusterBus bus;

  /** Ended sessions by id, with when their token expires (then forgotten). */
  private final Map<String, Instant> ended = new ConcurrentHashMap<>();

  private final BroadcastProcessor<String> endings = BroadcastProcessor.create();

  /** quarkus-oidc's logouts: the one the person asked for, and those the provider sends. */
  void onSignOnEvent(@Observes SecurityEvent e) {
    switch (e.getEventType()) {
      case OIDC_LOGOUT_RP_INITIATED,
          OIDC_BACKCHANNEL_LOGOUT_COMPLETED,
          OIDC_FRONTCHANNEL_LOGOUT_COMPLETED -> {
        Caller.Session s = SignOn.sessionOf(e.getSecurityIdentity());
        if (s != null) {
          end(s);
          long expires = s.expires() == null ? 0 : s.expires().getEpochSecond();
          // fired on the event loop; the notice goes through the database
          Infrastructure.getDefaultWorkerPool().execute(() -> bus.sessionEnded(s.id(), expires));
        }
      }
      default -> {}
    }
  }

  /** Another replica's logout ends this replica's streams of the session too. */
  void onRemote(@Observes ClusterNotice.SessionEnded n) {
    Instant expires =
        n.expiresEpochSecond() == 0 ? null : Instant.ofEpochSecond(n.expiresEpochSecond());
    end(new Caller.Session(n.id(), expires));
  }

  /**
   * Ends session {@code s}: its open streams end at once, and it is refused from now on.
   * Serialized: a processor's {@code onNext} must not run on two threads at once.
   */
  public synchronized void end(Caller.Session s) {
    Instant now = Instant.now();
    ended.values().removeIf(until -> until.isBefore(now));
    // without an expiry, remembered for a day: longer than providers let a session live unrefreshed
    ended.put(s.id(), s.expires() != null ? s.expires() : now.plusSeconds(86_400));
    endings.onNext(s.id());
  }

  /** Whether session {@code s} is still good: not signed out, its token not expired. */
  public boolean active(Caller.Session s) {
    Instant now = Instant.now();
    Instant until = ended.get(s.id());
    return (until == null || until.isBefore(now))
        && (s.expires() == null || now.isBefore(s.expires()));
  }

  /** Ids of the sessions ended on this replica (or told by another) from now on. */
  public Multi<String> endings() {
    return endings;
  }
}
