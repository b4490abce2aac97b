package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The agent's side of bandwidth-test jobs over HTTP, in {@link Sender}'s manner (HTTP/1.1, the
 * token re-read before every request, nothing thrown for network or server failures): {@code PUT
 * /api/v1/agents/{host}/capabilities}, the long poll {@code GET /api/v1/agents/{host}/jobs} and
 * {@code POST /api/v1/agents/{host}/jobs/{id}/events}. Requests may run from several threads (the
 * poll, and one per running job). Answers are read through {@link BoundedAnswer} (size and whole
 * exchange bounded), and whatever of them reaches the log is escaped to one line ({@link
 * Answer#detail}, {@link Answer#state}).
 */
public final class JobClient {

  /** What an answer means to the job loop. */
  public enum Kind {
    /** 2xx. */
    OK,
    /** 204 to a poll: no work. */
    NONE,
    /** 409 to an event with {@code state}: the test is over (cancelled or finished). */
    OVER,
    /** 5xx, 408, 429, timeouts, connection failures: try again later. */
    RETRY,
    /** Any other 4xx: this request will not succeed as it is. */
    REJECTED
  }

  /**
   * An answer.
   *
   * @param body the JSON body of a 2xx or a 409, else null
   * @param detail the problem's title and detail or the error, one escaped line of at most 200
   *     characters, for the log
   * @param retryAfter the server's {@code Retry-After} (429, 503), or null
   */
  public record Answer(Kind kind, int status, JsonNode body, String detail, Duration retryAfter) {

    /** An answer without a {@code Retry-After}. */
    public Answer(Kind kind, int status, JsonNode body, String detail) {
      this(kind, status, body, detail, null);
    }

    /**
     * The wait before the next try: {@code backoff}, or longer when the server's {@code
     * Retry-After} asks, but never beyond {@code cap}.
     */
    public Duration waitAtLeast(Duration backoff, Duration cap) {
      if (retryAfter == null) {
        return backoff;
      }
      Duration asked = retryAfter.compareTo(cap) > 0 ? cap : retryAfter;
      return backoff.compareTo(asked) < 0 ? asked : backoff;
    }

    /** The job's state a 409 names, escaped to one short line for the log. */
    public String state() {
      return Sender.clip(body == null ? "" : body.path("state").asText(""), 40);
    }

    /** Whether the test was cancelled (409 with {@code cancelled: true}). */
    public boolean cancelled() {
      return kind == Kind.OVER && body != null && body.path("cancelled").asBoolean(false);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER_AGENT = "fabricscope-agent/0.1";

  private final HttpClient client;
  private final String base;
  private final Supplier<String> token;
  private final Duration timeout;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * @param server base URL as for {@link Sender}
   * @param host this agent's host name (checked by the caller against the host-name rule)
   * @param token read before every request
   * @param timeout per request, added to a poll's wait
   */
  public JobClient(URI server, String host, Supplier<String> token, Duration timeout) {
    this.base = server.toString().replaceAll("/+$", "") + "/api/v1/agents/" + host;
    this.token = token;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(
                timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Reports the helper list (a JSON array). */
  public Answer putCapabilities(String json) {
    return send(
        () ->
            request("/capabilities", timeout)
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build());
  }

  /** Waits up to {@code waitSeconds} for an assignment (OK with its JSON, or NONE). */
  public Answer poll(int waitSeconds) {
    return send(
        () ->
            request("/jobs?waitSeconds=" + waitSeconds, timeout.plusSeconds(waitSeconds))
                .GET()
                .build());
  }

  /** Posts an event on a job; OVER when the server says the test is over. */
  public Answer event(long jobId, String json) {
    return send(
        () ->
            request("/jobs/" + jobId + "/events", timeout)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
  }

  /** Aborts every request in flight (stopping); their callers get RETRY. */
  public void abortAll() {
    for (CompletableFuture<?> f : inFlight) {
      f.cancel(true);
    }
  }

  private HttpRequest.Builder request(String path, Duration t) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(t)
        .header("Authorization", "Bearer " + token.get())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, application/problem+json")
        .header("User-Agent", USER_AGENT);
  }

  private Answer send(Supplier<HttpRequest> build) {
    HttpRequest req;
    try {
      req = build.get();
    } catch (IllegalArgumentException e) {
      // a header value the client refuses: a failed request; its message quotes the value (the
      // token), so it is never logged (fourteenth security review)
      return new Answer(Kind.RETRY, 0, null, Sender.UNBUILT);
    }
    HttpResponse<String> resp;
    CompletableFuture<HttpResponse<String>> f = client.sendAsync(req, BoundedAnswer.handler());
    inFlight.add(f);
    try {
      // the request's timeout ends at the headers: the body must come within it too
      resp = BoundedAnswer.await(f, req.timeout().orElse(timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(Kind.RETRY, 0, null, "interrupted");
    } catch (ExecutionException | CancellationException | TimeoutException e) {
      return new Answer(Kind.RETRY, 0, null, Sender.describe(e));
    } finally {
      inFlight.remove(f);
    }
    Answer a = answer(resp.statusCode(), resp.body());
    return a.kind() != Kind.RETRY
        ? a
        : new Answer(
            a.kind(),
            a.status(),
            a.body(),
            a.detail(),
            resp.headers().firstValue("Retry-After").map(Sender::retryAfter).orElse(null));
  }

  /** What an answer of status {@code st} with {@code text} (the body, or null) means. */
  static Answer answer(int st, String text) {
    JsonNode body = json(text);
    if (st == 204) {
      return new Answer(Kind.NONE, st, null, "");
    }
    if (st >= 200 && st < 300) {
      return new Answer(Kind.OK, st, body, "");
    }
    // the server's words reach the log: one line, escaped, bounded (Sender.clip)
    String detail =
        body == null
            ? ""
            : Sender.clip(body.path("title").asText("") + ": " + body.path("detail").asText(""));
    if (st == 409 && body != null && body.hasNonNull("state")) {
      return new Answer(Kind.OVER, st, body, detail);
    }
    Kind kind = st >= 500 || st == 408 || st == 429 ? Kind.RETRY : Kind.REJECTED;
    return new Answer(kind, st, body, detail);
  }

  private static JsonNode json(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
