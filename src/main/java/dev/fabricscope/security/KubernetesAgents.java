package dev.fabricscope.security;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.config.KubernetesConfig;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.text.TerminalText;
import dev.fabricscope.topology.HostNames;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Agents authenticated by a Kubernetes service-account token ({@code fabricscope.kubernetes.*}):
 * the API server's {@code TokenReview} must say the token is valid for our audience, belongs to the
 * agents' service account, and is bound to a pod on a node, whose name becomes the one host the
 * agent may write (as an agent token bound to that host). Each node's kubelet can get tokens only
 * for its own pods, so a node cannot write another's reports, unlike a shared Secret of per-node
 * tokens that every agent pod mounts.
 *
 * <p>Only a secret whose payload claims to be a Kubernetes token for our audience is reviewed
 * ({@link KubernetesTokenClaims}): an identity provider's JWT is never sent to the API server.
 * Approvals are kept for {@code review-cache} (60 s) but never past the token's {@code exp},
 * refusals for 10 s, each in a map of its own (refusals cannot push approvals out); at most 8
 * reviews run at once and one more is a 503 at once, so forged tokens cannot hold the threads
 * agents need, and secrets approved here before (or new ones from an address an approved one came
 * from: a rotation) are renewed on 8 permits of their own, so forged tokens (which the API server
 * never approves) cannot keep known agents out either. One address holds at most 2 places at once,
 * so a new agent's first review is crowded out only by forgeries from 4 addresses or more. Created
 * at start ({@link Startup}): a bad CA file stops the server, not a request.
 */
@Startup
@ApplicationScoped
public class KubernetesAgents {

  private static final long REFUSAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final int MAX_KEPT = 100_000;

  @Inject FabricscopeConfig config;

  private String serviceAccountUser; // null: off
  private String audience;
  private long cacheNanos;
  private Reviewer reviews;

  /** Reviews at once of secrets never approved here: forged ones among them. */
  private final Semaphore inFlight = new Semaphore(MAX_REVIEWS);

  /**
   * Reviews at once of secrets approved here before (an agent's token whose approval ran out):
   * apart, so forged tokens that fill {@link #inFlight} do not keep known agents out.
   */
  private final Semaphore renewals = new Semaphore(MAX_REVIEWS);

  static final int MAX_REVIEWS = 8;

  /**
   * Reviews at once from one remote address, of either kind: forged tokens from a few addresses
   * cannot take every place (agents run with the host network, one address per node).
   */
  static final int MAX_REVIEWS_PER_ADDRESS = 2;

  private final ConcurrentHashMap<String, Integer> inFlightByAddress = new ConcurrentHashMap<>();

  /**
   * Addresses an approved token came from: a new token from one of them (the kubelet rotates an
   * agent's token about hourly) is reviewed on {@link #renewals}, so a rotation is not crowded out
   * by forged tokens either.
   */
  private final Map<String, Boolean> approvedAddresses = new ConcurrentHashMap<>();

  /** Asks the API server about a token ({@link KubernetesTokenReview}; tests give their own). */
  interface Reviewer {
    KubernetesTokenReview.Answer review(String token, String audience)
        throws KubernetesTokenReview.Unavailable;
  }

  /** A review's outcome: the caller, or why the token was refused; until when it holds. */
  private record Reviewed(Caller caller, String refusal, long until) {}

  private final ConcurrentHashMap<String, Reviewed> approvals = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Reviewed> refusals = new ConcurrentHashMap<>();

  @PostConstruct
  void init() {
    KubernetesConfig k = config.kubernetes();
    String sa = k.agentServiceAccount().filter(s -> !s.isBlank()).orElse(null);
    if (sa == null) {
      return;
    }
    // ConfigCheck refuses other shapes at start, by the same rule; tests build this directly
    String user =
        KubernetesConfig.serviceAccountUser(sa)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "fabricscope.kubernetes.agent-service-account: NAMESPACE/NAME"));
    configure(
        user,
        k.audience(),
        k.reviewCache().toNanos(),
        new KubernetesTokenReview(k.apiServer(), k.caFile(), k.tokenFile()));
    Log.infof(
        "Agents may authenticate with Kubernetes tokens of %s (audience %s), reviewed at %s",
        sa, audience, k.apiServer());
  }

  /** Sets what {@link #init} reads from the configuration (tests set it directly). */
  void configure(String user, String aud, long cacheFor, Reviewer review) {
    serviceAccountUser = user;
    audience = aud;
    cacheNanos = cacheFor;
    reviews = review;
  }

  /** Whether Kubernetes tokens are accepted at all. */
  public boolean enabled() {
    return serviceAccountUser != null;
  }

  /** A reviewed token: the agent it makes, or why it makes none. */
  public record Outcome(Caller caller, String refusal) {}

  /**
   * What the API server says of a bearer secret shaped like a Kubernetes token; null when this is
   * off or the secret is not shaped like one (then it is nobody's here). A refusal is not thrown:
   * the secret may still be an identity provider's JWT.
   *
   * @param address the caller's remote address (its review places are counted per address)
   * @throws ApiException 503 when the API server cannot be asked, or no review place is free
   */
  public Outcome review(String secret, String address) {
    KubernetesTokenClaims claims = enabled() ? KubernetesTokenClaims.of(secret, audience) : null;
    if (claims == null) {
      return null;
    }
    String key = Tokens.hash(secret);
    long now = System.nanoTime();
    Reviewed r = kept(approvals, key, now);
    if (r == null) {
      r = kept(refusals, key, now);
    }
    if (r == null) {
      // a secret approved before, even if that approval ran out, or a new one from an address an
      // approved one came from (a rotation), is renewed on permits of its own
      boolean known = approvals.containsKey(key) || approvedAddresses.containsKey(address);
      r = review(secret, claims, now, known ? renewals : inFlight, address);
      if (r.caller() == null) {
        approvals.remove(key); // not a known agent's any more
      } else {
        if (approvedAddresses.size() > MAX_KEPT) {
          approvedAddresses.clear();
        }
        approvedAddresses.put(address, Boolean.TRUE);
      }
      ConcurrentHashMap<String, Reviewed> into = r.caller() != null ? approvals : refusals;
      if (into.size() > MAX_KEPT) {
        into.clear();
      }
      into.put(key, r);
    }
    return new Outcome(r.caller(), r.refusal());
  }

  /**
   * The agent of an approved secret while its approval holds, else null; never asks anyone, so it
   * may run on the event loop.
   */
  public Caller approved(String secret) {
    if (!enabled() || approvals.isEmpty()) {
      return null;
    }
    Reviewed r = kept(approvals, Tokens.hash(secret), System.nanoTime());
    return r == null ? null : r.caller();
  }

  private static Reviewed kept(Map<String, Reviewed> map, String key, long now) {
    Reviewed r = map.get(key);
    return r != null && now - r.until() < 0 ? r : null;
  }

  private Reviewed review(
      String secret, KubernetesTokenClaims claims, long now, Semaphore permits, String address) {
    KubernetesTokenReview.Answer a;
    // no waiting: a burst of forged tokens must not hold the worker threads agents need
    if (!takeAddressPlace(address)) {
      throw new ApiException(
          503, "Service unavailable", "too many Kubernetes token reviews from this address; retry");
    }
    try {
      if (!permits.tryAcquire()) {
        throw new ApiException(
            503, "Service unavailable", "too many Kubernetes token reviews at once; retry");
      }
      try {
        a = reviews.review(secret, audience);
      } catch (KubernetesTokenReview.Unavailable e) {
        Log.warnf("Kubernetes token review failed: %s", e.getMessage());
        throw new ApiException(
            503, "Service unavailable", "the Kubernetes API server cannot check this token now");
      } finally {
        permits.release();
      }
    } finally {
      inFlightByAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    }
    String refusal = refusal(a);
    if (refusal != null) {
      return new Reviewed(null, refusal, now + REFUSAL_NANOS);
    }
    String node = a.nodeNames().get(0);
    Caller c = new Caller("kubernetes:" + node, Role.AGENT, node, 0, null);
    long keep = cacheNanos;
    if (claims.expiresEpochSecond() > 0) {
      long left = claims.expiresEpochSecond() - java.time.Instant.now().getEpochSecond();
      keep = Math.max(0, Math.min(keep, TimeUnit.SECONDS.toNanos(left)));
    }
    return new Reviewed(c, null, now + keep);
  }

  /**
   * Takes one of the address's {@link #MAX_REVIEWS_PER_ADDRESS} places; false when none is free.
   */
  private boolean takeAddressPlace(String address) {
    boolean[] taken = {false};
    inFlightByAddress.compute(
        address,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= MAX_REVIEWS_PER_ADDRESS) {
            return n;
          }
          taken[0] = true;
          return now + 1;
        });
    return taken[0];
  }

  /** Why the answer does not make an agent, or null when it does. */
  String refusal(KubernetesTokenReview.Answer a) {
    if (!a.authenticated()) {
      return "the Kubernetes API server does not accept this token"
          + (a.error() == null ? "" : ": " + TerminalText.oneLine(a.error(), 200));
    }
    if (!a.audiences().contains(audience)) {
      return "this Kubernetes token is not made for the audience '" + audience + "'";
    }
    if (!serviceAccountUser.equals(a.username())) {
      return "this Kubernetes token is not one of the agents' service account";
    }
    if (a.nodeNames().size() != 1 || !HostNames.valid(a.nodeNames().get(0))) {
      return "this Kubernetes token names no node (a token bound to a pod, Kubernetes 1.30 or"
          + " later, is needed)";
    }
    return null;
  }
}
