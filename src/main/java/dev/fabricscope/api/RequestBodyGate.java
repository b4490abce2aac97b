package dev.fabricscope.api;

import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.AnonymousReads;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import dev.fabricscope.security.WriterCredentials;
import dev.fabricscope.security.WriterCredentials.Standing;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Decides whether the API reads a request's body at all, before a byte of it is read. A review
 * (sixth) sent 120 MB bodies without a token: each was read whole before the resource refused it,
 * and 16 at once ran the server's heap out (the chart's JVM exits on OutOfMemoryError). Now, for
 * every write under {@code /api/} (POST, PUT, PATCH):
 *
 * <ol>
 *   <li>a declared body beyond what its endpoint takes ({@link #limitFor}) is a 413 at once;
 *   <li>a request without credentials is a 401 at once (but for small bodies while anonymous reads
 *       are on: a plan preview or a host selection is a read), and one whose credential is not
 *       found good is a 401 ({@link WriterCredentials}): a bearer secret that is no active
 *       fabricscope token nor a Kubernetes token the API server approved, a sign-on JWT or session
 *       cookie that quarkus-oidc does not verify ({@link SignOnBodyGate});
 *   <li>the bodies being read at once may hold at most {@link BodyBudget}'s bytes (an eighth of the
 *       heap): one more is a 503 with Retry-After, never an OutOfMemoryError.
 * </ol>
 *
 * A refused body is never read, so its connection is closed after the answer (as {@link
 * HttpLayerProblems} does for its 413). Runs right after {@link HttpLayerProblems}' limits.
 */
@ApplicationScoped
public class RequestBodyGate {

  /** What any other write under {@code /api/} takes (plans, tests, tokens, agents' events). */
  static final long OTHER_WRITES = 1 << 20;

  @Inject Access access;

  @Inject WriterCredentials credentials;

  @Inject AnonymousReads anonymousReads;

  @Inject HttpLayerProblems problems;

  @Inject BodyBudget budget;

  @Inject BodyPace pace;

  void routes(@Observes Router router) {
    router.route().order(HttpLayerProblems.ORDER + 1).handler(this::gate);
  }

  /** The most body bytes (as sent) a write path takes. */
  static long limitFor(String path) {
    return BodyWrite.of(path).limit;
  }

  /**
   * Whether this gate judges the request: a write under {@code /api/} ({@link HttpLayerProblems}
   * leaves its declared length to the endpoint's own limit here).
   */
  static boolean judges(RoutingContext ctx) {
    HttpMethod m = ctx.request().method();
    // the path the router matches: the raw one differs only in requests refused before this gate
    // (HttpLayerProblems.notNormalPath), and is judged the same way should one get through
    String path = ctx.normalizedPath();
    return path != null
        && path.startsWith("/api/")
        && (m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH);
  }

  private void gate(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!judges(ctx)) {
      ctx.next();
      return;
    }
    BodyWrite write = BodyWrite.of(ctx.normalizedPath());
    long limit = write.limit;
    long declared = declaredLength(req);
    if (declared > limit) {
      tooLarge(ctx, write, declared);
      return;
    }
    String authorization = req.getHeader("Authorization");
    if (authorization == null || authorization.isBlank()) {
      // anonymous readers may send the read-only POSTs (a plan preview, a host selection), which
      // take small bodies; the large ones (reports, imports, discoveries) always need a writer
      if (access.anonymousRead() && write == BodyWrite.OTHER) {
        // under another site's name (DNS rebinding) an anonymous body is refused unread too
        ApiException misdirected =
            credentials.signOnCookie(req) ? null : anonymousReads.refusal(req);
        if (misdirected != null) {
          problems.refuse(ctx, misdirected);
        } else {
          admit(ctx, write, Sender.of(Caller.NOBODY, Access.remoteAddress(req)));
        }
      } else if (credentials.signOnCookie(req)) {
        verifySignOnLater(ctx, write);
      } else {
        problems.refuse(
            ctx, 401, "a bearer token is required (Authorization: Bearer <token>) to send a body");
      }
      return;
    }
    Caller cached = access.cachedCaller(req);
    if (cached != null) {
      admit(ctx, write, Sender.of(cached, Access.remoteAddress(req)));
      return;
    }
    String address = Access.remoteAddress(req);
    // the token table is a database, a Kubernetes review a call to the API server: both asked off
    // the event loop while the body waits unread
    req.pause();
    ctx.vertx()
        .executeBlocking(() -> credentials.of(authorization, address), false)
        .onComplete(
            r -> {
              if (r.failed() && r.cause() instanceof ApiException refusal) {
                problems.refuse(ctx, refusal); // e.g. the API server cannot review now: a 503
              } else if (r.failed()) {
                Log.warnf("Checking a writer's token failed: %s", r.cause().toString());
                problems.refuse(ctx, 503, "the token could not be checked now; retry");
              } else if (r.result() instanceof Standing.Refused refused) {
                problems.refuse(ctx, 401, refused.why());
              } else if (r.result() instanceof Standing.Admitted admitted) {
                admit(ctx, write, Sender.of(admitted.caller(), address));
              } else {
                verifySignOnLater(ctx, write); // Standing.SignOnToVerify
              }
            });
  }

  /**
   * Leaves a sign-on credential to {@link SignOnBodyGate}, which judges it once quarkus-oidc's
   * authentication (a later route) has verified it, still before the body is read.
   */
  private void verifySignOnLater(RoutingContext ctx, BodyWrite write) {
    ctx.put(SignOnBodyGate.PENDING, write);
    ctx.next();
  }

  /** The 413 of a body beyond its endpoint's limit, in the words its endpoint uses. */
  private void tooLarge(RoutingContext ctx, BodyWrite write, long declared) {
    long limit = write.limit;
    if (write == BodyWrite.IMPORT) {
      problems.refuse(
          ctx,
          413,
          "Import too large",
          "an import may be at most "
              + ImportsResource.mebibytes(limit)
              + "; this one is "
              + ImportsResource.mebibytes(declared));
    } else if (write == BodyWrite.DISCOVERY) {
      problems.refuse(
          ctx,
          413,
          "Discovery too large",
          "an ibnetdiscover output may be at most " + limit + " bytes; this one is " + declared);
    } else if (write == BodyWrite.REPORT) {
      problems.refuse(
          ctx,
          413,
          "Report too large",
          "a report may be at most " + limit + " bytes; this one is " + declared);
    } else {
      problems.refuse(ctx, 413, "the body is " + declared + " bytes; this endpoint takes " + limit);
    }
  }

  /**
   * Who sends a body: the key its share of {@link BodyBudget} is counted under, and the role its
   * write is judged by (null: none).
   */
  record Sender(String key, Role role) {
    static Sender of(Caller caller, String address) {
      return new Sender(caller.quotaKey(address), caller.role());
    }
  }

  /**
   * The most body bytes one sender of {@code role} holds at once: the largest write it may make and
   * one small one beside it (an agent's job event during its report).
   */
  static long shareOf(Role role) {
    long largest = 0;
    for (BodyWrite w : BodyWrite.values()) {
      if (w.allows(role)) {
        largest = Math.max(largest, w.limit);
      }
    }
    return largest + OTHER_WRITES;
  }

  /**
   * Reserves the budget for this body (its declared length, else its endpoint's limit) within the
   * sender's share until the exchange ends, watches its pace ({@link BodyPace}), then goes on. A
   * write the sender's role may not make is read only when small and of a declared length (its
   * resource then answers in its own words, e.g. that a session write needs its Origin); a larger,
   * chunked or coded one is a 403 unread: it had held the budget (seventh security review) or,
   * malformed, logged a stack trace at an admin's or operator's resource (eighteenth).
   */
  void admit(RoutingContext ctx, BodyWrite write, Sender sender) {
    long declared = declaredLength(ctx.request());
    boolean allowed = write.allows(sender.role());
    // a coded body is never read for a resource to refuse in its own words: a few hundred bytes
    // may decode to megabytes
    if (!allowed && (declared < 0 || declared > OTHER_WRITES || ContentDecoding.coded(ctx))) {
      problems.refuse(
          ctx,
          403,
          "this write needs "
              + write.who()
              + (sender.role() == null
                  ? ""
                  : "; the sender is " + sender.role().name().toLowerCase(java.util.Locale.ROOT)));
      return;
    }
    long bytes = declared >= 0 ? declared : write.limit;
    BodyReservation reservation = new BodyReservation(budget, sender.key(), shareOf(sender.role()));
    BodyBudget.Taken taken = reservation.growTo(bytes);
    if (taken != BodyBudget.Taken.TAKEN) {
      problems.refuse(ctx, BodyReservation.status(taken), reservation.refusal(taken));
      return;
    }
    // on the answer's end, a failure or a closed connection, whichever comes first
    ctx.addEndHandler(x -> reservation.release());
    ctx.put(BodyReservation.KEY, reservation);
    pace.watch(ctx);
    ctx.next();
  }

  /** The declared Content-Length, -1 when none (chunked), Long.MAX_VALUE when unreadable. */
  static long declaredLength(HttpServerRequest req) {
    String length = req.getHeader("Content-Length");
    if (length == null) {
      return -1;
    }
    String v = length.trim();
    return v.matches("[0-9]{1,18}") ? Long.parseLong(v) : Long.MAX_VALUE;
  }
}
