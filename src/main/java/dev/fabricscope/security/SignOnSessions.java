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
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sign-on sessions that were signed out, for what outlives a request: open event streams of the
 * session end, and its session cookie is refused should it come again. quarkus-oidc keeps a session
 * in its encrypted cookie alone, so logging out clears the browser's cookie but tells nothing to a
 * stream the browser opened before; its logout event does, here. Another replica's logout arrives
 * as a {@link ClusterNotice.SessionEnded}.
 *
 * <p>Limits: ended sessions are kept in this replica's memory until their token expires, so a
 * restarted or newly started replica, or one that missed the notice, takes a copied cookie again
 * until then; and no back-channel logout is configured, so a logout at the provider alone ends a
 * stream only when its token expires.
 */
@ApplicationScoped
public class SignOnSessions {

  @Inject ClusterBus bus;

  /** Ended sessions by id: when they were ended, and when their token expires (then forgotten). */
  private final Map<String, Ended> ended = new ConcurrentHashMap<>();

  private record Ended(Instant at, Instant until) {}

  private final BroadcastProcessor<String> endings = BroadcastProcessor.create();

  /**
   * quarkus-oidc's logouts: the one the person asked for here, and (where a back-channel or
   * front-channel logout path is configured) those the provider's logout completes on a request.
   */
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
    // ended when the notice arrives (milliseconds after the logout): tokens issued before it
    end(new Caller.Session(n.id(), expires, null));
  }

  /**
   * Ends session {@code s}: its open streams end at once, and it is refused from now on.
   * Serialized: a processor's {@code onNext} must not run on two threads at once.
   */
  public synchronized void end(Caller.Session s) {
    Instant now = Instant.now();
    ended.values().removeIf(e -> e.until().isBefore(now));
    // without an expiry, remembered for a day: longer than providers let a session live unrefreshed
    ended.put(s.id(), new Ended(now, s.expires() != null ? s.expires() : now.plusSeconds(86_400)));
    endings.onNext(s.id());
  }

  /**
   * Whether {@code s} belongs to a session that was signed out: its id was ended, and its token was
   * issued no later than that (a token without {@code iat} counts as issued before). A token issued
   * after the logout is a new sign-on, even under the same provider {@code sid}.
   */
  public boolean signedOut(Caller.Session s) {
    Ended e = ended.get(s.id());
    if (e == null || e.until().isBefore(Instant.now())) {
      return false;
    }
    // iat counts whole seconds: a token of the logout's own second is taken as the old one
    return s.issued() == null || !s.issued().isAfter(e.at().truncatedTo(ChronoUnit.SECONDS));
  }

  /** Whether session {@code s} is still good: not signed out, its token not expired. */
  public boolean active(Caller.Session s) {
    return !signedOut(s) && (s.expires() == null || Instant.now().isBefore(s.expires()));
  }

  /** Ids of the sessions ended on this replica (or told by another) from now on. */
  public Multi<String> endings() {
    return endings;
  }
}
