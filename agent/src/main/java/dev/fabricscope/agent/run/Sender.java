package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.text.TerminalText;
import dev.fabricscope.topology.HostNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * Talks to the server: {@code POST /api/v1/reports} and {@code POST /api/v1/reports/heartbeat} over
 * {@link HttpClient} (HTTP/1.1: plain, proxy- and load-balancer-friendly; one request at a time
 * needs no multiplexing). Every answer is classified into a {@link Kind} the run loop acts on;
 * nothing here throws for a network or server failure, since those are expected.
 *
 * <p>Answers are read through {@link BoundedAnswer}: at most 1 MiB, the whole exchange within the
 * timeout. Requests are sent asynchronously and awaited, so another thread (the shutdown hook) can
 * {@link #abort()} the one in flight without interrupting the loop thread — an interrupt could
 * otherwise land in a spool write and close its file channel half-way.
 */
public final class Sender implements Transport {

  /** What the loop should do with an answer. */
  public enum Kind {
    /** 2xx: acknowledged. */
    OK,
    /** Heartbeat 409: the server lacks this content; send the full report. */
    CONFLICT,
    /** 5xx, 408, 429, timeout, connection failure, abort: try again later. */
    RETRY,
    /** Any other 4xx (or an unexpected status): retrying the same bytes cannot help. */
    REJECTED
  }

  /**
   * One answer.
   *
   * @param status HTTP status, 0 when no answer came
   * @param detail outcome (CREATED/UNCHANGED), problem title, or the error, for the log
   * @param retryAfter the server's Retry-After (429/503), or null
   * @param host the host the server filed a report under (2xx), or null
   */
  public record Response(
      Kind kind, int status, String detail, long latencyMillis, Duration retryAfter, String host) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER_AGENT = "fabricscope-agent/0.1";

  /** The log's words for a request that could not be built; no header value in them. */
  static final String UNBUILT = "request not built: a header value the HTTP client refuses";

  private final HttpClient client;
  private final URI reports;
  private final URI heartbeat;
  private final Supplier<String> token;
  private final Duration timeout;
  private final boolean gzip;
  private volatile CompletableFuture<HttpResponse<String>> inFlight;

  /**
   * @param server base URL, e.g. {@code https://fabricscope.example.com} (a path prefix is kept)
   * @param labels sent with every report as repeated {@code label=k=v} query parameters
   * @param token read before every request, so a rotated token file is picked up
   */
  public Sender(
      URI server,
      Map<String, String> labels,
      Supplier<String> token,
      Duration timeout,
      boolean gzip) {
    String base = server.toString().replaceAll("/+$", "");
    StringBuilder query = new StringBuilder();
    labels.forEach(
        (k, v) ->
            query
                .append(query.length() == 0 ? "?" : "&")
                .append("label=")
                .append(URLEncoder.encode(k + "=" + v, StandardCharsets.UTF_8)));
    this.reports = URI.create(base + "/api/v1/reports" + query);
    this.heartbeat = URI.create(base + "/api/v1/reports/heartbeat");
    this.token = token;
    this.timeout = timeout;
    this.gzip = gzip;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(
                timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public Response postReport(byte[] body) {
    byte[] wire = gzip ? gzip(body) : body;
    HttpRequest req;
    try {
      HttpRequest.Builder b = request(reports);
      if (gzip) {
        b.header("Content-Encoding", "gzip");
      }
      req = b.POST(HttpRequest.BodyPublishers.ofByteArray(wire)).build();
    } catch (IllegalArgumentException e) {
      return unbuilt();
    }
    return send(req, false);
  }

  @Override
  public Response heartbeat(String host, String contentHash) {
    String body =
        JSON.createObjectNode().put("host", host).put("contentHash", contentHash).toString();
    HttpRequest req;
    try {
      req = request(heartbeat).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    } catch (IllegalArgumentException e) {
      return unbuilt();
    }
    return send(req, true);
  }

  /**
   * A request the HTTP client refused to build (a header value it cannot carry): a failed request,
   * retried later. The client's message quotes the header value, the token included, so it is never
   * logged (fourteenth security review); {@link TokenFile} keeps such tokens out anyway.
   */
  private static Response unbuilt() {
    return new Response(Kind.RETRY, 0, UNBUILT, 0, null, null);
  }

  /** Cancels the request in flight, if any; its caller gets {@link Kind#RETRY}. */
  public void abort() {
    CompletableFuture<HttpResponse<String>> f = inFlight;
    if (f != null) {
      f.cancel(true);
    }
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", "Bearer " + token.get())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, application/problem+json")
        .header("User-Agent", USER_AGENT);
  }

  private Response send(HttpRequest req, boolean isHeartbeat) {
    long t0 = System.nanoTime();
    HttpResponse<String> resp;
    try {
      CompletableFuture<HttpResponse<String>> f = client.sendAsync(req, BoundedAnswer.handler());
      inFlight = f;
      // the request's timeout ends at the headers: the body must come within it too
      resp = BoundedAnswer.await(f, timeout);
    } catch (CancellationException e) {
      return new Response(Kind.RETRY, 0, "aborted", millisSince(t0), null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(Kind.RETRY, 0, "interrupted", millisSince(t0), null, null);
    } catch (ExecutionException | TimeoutException e) {
      return new Response(Kind.RETRY, 0, describe(e), millisSince(t0), null, null);
    } finally {
      inFlight = null;
    }
    long ms = millisSince(t0);
    int st = resp.statusCode();
    Duration retryAfter =
        resp.headers().firstValue("Retry-After").map(Sender::retryAfter).orElse(null);
    Kind kind;
    if (st >= 200 && st < 300) {
      kind = Kind.OK;
    } else if (isHeartbeat && st == 409) {
      kind = Kind.CONFLICT;
    } else if (st >= 500 || st == 408 || st == 429) {
      kind = Kind.RETRY;
    } else {
      kind = Kind.REJECTED;
    }
    return new Response(
        kind, st, detail(resp.body(), kind), ms, retryAfter, kind == Kind.OK ? host(resp) : null);
  }

  /** The host name the server filed the report under; one the server would not accept is none. */
  private static String host(HttpResponse<String> resp) {
    try {
      JsonNode n = JSON.readTree(resp.body());
      String name = n != null && n.hasNonNull("host") ? n.get("host").asText() : null;
      // it is logged and sent back in heartbeats: a hostile server's text must not be
      return name != null && HostNames.valid(name) ? name : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The outcome of a 2xx or the problem's title/detail, shortened to fit a log line. */
  private static String detail(String body, Kind kind) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode n = JSON.readTree(body);
      if (kind == Kind.OK && n.hasNonNull("outcome")) {
        return clip(
            n.get("outcome").asText()
                + (n.hasNonNull("snapshotId") ? " snapshot=" + n.get("snapshotId").asText() : ""));
      }
      String title = n.path("title").asText("");
      String det = n.path("detail").asText("");
      return clip((title + (det.isEmpty() ? "" : ": " + det)).strip());
    } catch (IOException e) {
      return clip(body.strip());
    }
  }

  /** Server text for the log: one escaped line of at most 200 characters. */
  static String clip(String s) {
    return clip(s, 200);
  }

  /**
   * The one sanitizer of the agent's log for text from elsewhere ({@link TerminalText#oneLine}):
   * stripped, every control character escaped (a line feed in a server's problem detail could
   * otherwise forge a log line) and cut to {@code max} characters.
   */
  static String clip(String s, int max) {
    return TerminalText.oneLine(s == null ? "" : s.strip(), max);
  }

  /** A failed exchange in words for the log: the outages an agent meets are named, not traced. */
  static String describe(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause(); // what failed, not the future that carried it
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BoundedAnswer.TooLarge) {
        return c.getMessage(); // the client may wrap what the body handler threw
      }
    }
    if (t instanceof TimeoutException) {
      return "timeout (no complete answer in time)"; // the whole exchange's deadline
    }
    if (t instanceof CancellationException) {
      return "aborted"; // our own abort(), surfacing through the client's inner future
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    if (t instanceof HttpTimeoutException) {
      return "timeout";
    }
    String m = t.getMessage();
    // a server that stopped while the request was under way: JDK 17's client says so in these
    // words ("HTTP/1.1 header parser received no bytes", "Connection reset", an EOF)
    if (t instanceof java.io.EOFException
        || t instanceof IOException
            && m != null
            && (m.contains("received no bytes") || m.contains("Connection reset"))) {
      return "connection closed before an answer";
    }
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + clip(m));
  }

  /** A {@code Retry-After} in seconds, or null (an HTTP date, or nonsense). */
  static Duration retryAfter(String v) {
    try {
      long s = Long.parseLong(v.strip());
      return s >= 0 ? Duration.ofSeconds(s) : null;
    } catch (NumberFormatException e) {
      return null; // an HTTP date: rare; our backoff is good enough then
    }
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
