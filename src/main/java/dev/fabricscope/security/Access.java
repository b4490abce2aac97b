package dev.fabricscope.security;

import dev.fabricscope.inventory.TokenStore;
import dev.fabricscope.inventory.TokenStore.Role;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;

/**
 * Authentication and role checks for the REST API. Bearer tokens are looked up by their SHA-256;
 * without a token, callers are anonymous viewers only when {@code fabricscope.auth.anonymous-read}
 * is explicitly set to true, and refused otherwise. The bind address decides nothing: behind a
 * reverse proxy on the same machine every remote client arrives from loopback. At first start, when
 * no admin token exists, one is created from {@code fabricscope.admin-token} or generated and
 * printed once.
 */
@ApplicationScoped
public class Access {

  @Inject TokenStore tokens;

  @Inject SignOn signOn;

  @Inject KubernetesAgents kubernetesAgents;

  @Inject AnonymousReads anonymousReads;

  // Off unless configured: anonymous reads must be a decision, never a side effect of deployment.
  @Inject dev.fabricscope.config.FabricscopeConfig config;

  boolean anonymousRead;

  /** Revocations made through this server, for open streams of the revoked token to end at once. */
  private final BroadcastProcessor<Long> revocations = BroadcastProcessor.create();

  @jakarta.annotation.PostConstruct
  void init() {
    anonymousRead = config.auth().anonymousRead();
  }

  void onStart(@Observes StartupEvent e) {
    // which mode is on: AnonymousReads says
    if (tokens.anyAdmin()) {
      return;
    }
    String secret = config.adminToken().filter(s -> !s.isBlank()).orElse(null);
    boolean generated = secret == null;
    if (generated) {
      secret = Tokens.newSecret();
    }
    tokens.create("bootstrap-admin", Role.ADMIN, null, Tokens.hash(secret), Instant.now());
    if (generated) {
      // printed once: only its hash is stored
      Log.infof("Bootstrap admin token (shown once, store it now): %s", secret);
      System.out.println("fabricscope bootstrap admin token: " + secret);
    } else {
      Log.info("Bootstrap admin token created from fabricscope.admin-token");
    }
  }

  /** Token lookups, cached briefly: agents send every few seconds; revocation clears it. */
  private final java.util.concurrent.ConcurrentHashMap<String, Cached> cache =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record Cached(TokenStore.Token token, long until) {}

  /**
   * Revocations through this server so far. A lookup caches what it read only if none came in
   * between: a revocation that cleared the cache while the lookup was reading the database would
   * otherwise be undone by the lookup's put, and the revoked token would pass for 5 more seconds.
   */
  private final java.util.concurrent.atomic.AtomicLong revocationCount =
      new java.util.concurrent.atomic.AtomicLong();

  Optional<TokenStore.Token> lookup(String hash) {
    long now = System.nanoTime();
    Cached c = cache.get(hash);
    if (c != null && now < c.until()) {
      return Optional.of(c.token());
    }
    long seen = revocationCount.get();
    Optional<TokenStore.Token> found = tokens.findByHash(hash);
    if (found.isEmpty()) {
      return found;
    }
    if (cache.size() > 100_000) {
      cache.clear();
    }
    // revocation through this server clears the cache; through another replica it takes <= 5 s
    Cached entry = new Cached(found.get(), now + java.util.concurrent.TimeUnit.SECONDS.toNanos(5));
    cache.put(hash, entry);
    if (revocationCount.get() != seen) {
      cache.remove(hash, entry); // a revocation ran meanwhile: what was read may be stale
    }
    return found;
  }

  /**
   * The caller of a request when its token is in the lookup cache, else null (then {@link #caller}
   * must run, off the event loop, since it may query the database). Never blocks.
   */
  public Caller cachedCaller(HttpServerRequest request) {
    String secret = Tokens.bearerSecret(request.getHeader("Authorization"));
    if (secret == null) {
      return null;
    }
    Cached c = cache.get(Tokens.hash(secret));
    if (c == null || System.nanoTime() >= c.until() || !c.token().active()) {
      // an agent's reviewed Kubernetes token keeps the fast path too
      return kubernetesAgents.approved(secret);
    }
    return Caller.of(c.token());
  }

  /** Forgets cached tokens and ends the open streams of token {@code id} (after its revocation). */
  public void revoked(long id) {
    revocationCount.incrementAndGet(); // before the clear: see lookup
    cache.clear();
    revocations.onNext(id);
  }

  /** Ids of the tokens revoked through this server from now on. */
  public Multi<Long> revocations() {
    return revocations;
  }

  /**
   * Whether the request's token is still active, asked of the database (never the cache): a
   * revocation through another replica is seen at the next call. Blocking.
   */
  public boolean stillActive(String authorization) {
    String secret = Tokens.bearerSecret(authorization);
    return secret != null
        && tokens.findByHash(Tokens.hash(secret)).map(TokenStore.Token::active).orElse(false);
  }

  /** Whether unauthenticated callers may read ({@code fabricscope.auth.anonymous-read}). */
  public boolean anonymousRead() {
    return anonymousRead;
  }

  /**
   * The caller of a request: fabricscope's own bearer token; with single sign-on configured, the
   * identity provider's bearer JWT or the browser's sign-on session ({@link SignOn}); else
   * anonymous.
   */
  public Caller caller(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || header.isBlank()) {
      Optional<Caller> signedOn = signOn.caller();
      if (signedOn.isPresent()) {
        return SessionWrites.checked(request, signedOn.get());
      }
      // anonymous reads only under names no other site can point here (DNS rebinding)
      return anonymousRead ? anonymousReads.reader(request) : Caller.NOBODY;
    }
    String secret = Tokens.bearerSecret(header);
    if (secret == null) {
      throw ApiException.unauthorized();
    }
    Optional<TokenStore.Token> own = lookup(Tokens.hash(secret));
    if (own.isEmpty()) {
      // not one of ours (any secret may be configured as fabricscope.admin-token, so the prefix
      // cannot decide): an agent's Kubernetes service-account token when those are accepted,
      // else the identity provider's JWT when sign-on is on
      KubernetesAgents.Outcome agent = kubernetesAgents.review(secret, remoteAddress(request));
      if (agent != null && agent.caller() != null) {
        return agent.caller();
      }
      Optional<Caller> signedOn = signOn.caller();
      if (signedOn.isEmpty() && agent != null) {
        throw new ApiException(401, "Unauthorized", agent.refusal());
      }
      return withRole(signedOn.orElseThrow(ApiException::unauthorized));
    }
    TokenStore.Token t = own.get();
    if (!t.active()) {
      throw new ApiException(401, "Unauthorized", "this token was revoked");
    }
    return Caller.of(t);
  }

  /** The request's remote host address ("" when unknown, e.g. a Unix socket). */
  public static String remoteAddress(HttpServerRequest request) {
    var a = request.remoteAddress();
    return a == null || a.hostAddress() == null ? "" : a.hostAddress();
  }

  /** A signed-on caller whose provider roles map onto no fabricscope role is refused (403). */
  static Caller withRole(Caller signedOn) {
    if (signedOn.role() == null) {
      throw ApiException.forbidden(
          "signed on as '"
              + signedOn.name()
              + "', whose roles at the identity provider map onto no fabricscope role"
              + " (fabricscope.oidc.viewer-roles, operator-roles, admin-roles)");
    }
    return signedOn;
  }

  /** Requires a caller who may read. */
  public Caller requireRead(HttpServerRequest request) {
    Caller c = caller(request);
    if (c.role() == null) {
      throw ApiException.unauthorized();
    }
    if (!c.canRead()) {
      throw ApiException.forbidden("agent tokens may only send their host's reports");
    }
    return c;
  }

  /** Requires at least a role on the viewer < operator < admin ladder. */
  public Caller require(HttpServerRequest request, Role min) {
    Caller c = caller(request);
    if (c.role() == null || (c == Caller.ANONYMOUS_READER && min != Role.VIEWER)) {
      // anonymous readers must authenticate for anything beyond reading
      throw ApiException.unauthorized();
    }
    if (!c.atLeast(min)) {
      throw ApiException.forbidden(
          "this needs the "
              + min.name().toLowerCase()
              + " role; the token '"
              + c.name()
              + "' is "
              + c.role().name().toLowerCase());
    }
    return c;
  }

  /**
   * The agents' endpoints take a bearer token only (401 without one), never a sign-on session: a
   * browser sends its session cookie on its own, so a link on another site could make a signed-on
   * admin's browser take an agent's bandwidth job (a GET); and the ingest threads that read a
   * report have no request context to read a session from. Reads no token, so it may run first, on
   * the event loop.
   */
  public static void requireBearer(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || header.isBlank()) {
      throw new ApiException(
          401,
          "Unauthorized",
          "the agents' endpoints take a bearer token (Authorization: Bearer ...), not a sign-on"
              + " session");
    }
  }

  /**
   * Requires a bearer token that may send reports (an agent's, or an admin's), whatever host it is
   * bound to: what a request whose body names no host can be checked for.
   */
  public Caller requireReporter(HttpServerRequest request) {
    requireBearer(request);
    Caller c = caller(request);
    if (c.role() == null || c == Caller.ANONYMOUS_READER) {
      throw ApiException.unauthorized();
    }
    if (!Caller.mayReport(c.role())) {
      throw ApiException.forbidden("reports are sent with an agent token");
    }
    return c;
  }

  /**
   * Requires an agent token bound to {@code host} (admins may write any host), sent as a bearer
   * token ({@link #requireBearer}).
   */
  public Caller requireAgentFor(HttpServerRequest request, String host) {
    Caller c = requireReporter(request);
    if (c.role() == Role.ADMIN) {
      return c;
    }
    if (c.host() == null || !c.host().equals(host)) {
      throw ApiException.forbidden(
          "the agent token '"
              + c.name()
              + "' may only write host '"
              + c.host()
              + "', not '"
              + host
              + "'");
    }
    return c;
  }
}
