package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The server's ingest API as the agent sees it, on 127.0.0.1: {@code POST /api/v1/reports} (201 new
 * content, 200 unchanged) and {@code POST /api/v1/reports/heartbeat} (204 known hash, 409 not).
 * Records every request; can answer 503 or 400, be stopped (connection refused) and started again
 * on the same port, and forget what it has (so heartbeats get 409). With {@link #withJobs}, the
 * agents' jobs API of a {@link FakeJobServer} is served on the same port.
 */
final class FakeServer implements AutoCloseable {

  enum Mode {
    NORMAL,
    UNAVAILABLE,
    REJECT,
    /** Reports get no answer until {@link #close()}: a request stays in flight. */
    HANG
  }

  /** One request and the status it got. */
  record Req(String path, String query, String auth, String contentType, String body, int status) {
    boolean isReport() {
      return path.equals("/api/v1/reports");
    }

    boolean isHeartbeat() {
      return path.equals("/api/v1/reports/heartbeat");
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String token;
  private final List<Req> requests = new ArrayList<>();
  private final Map<String, String> latest = new HashMap<>();
  private final java.util.concurrent.CountDownLatch release =
      new java.util.concurrent.CountDownLatch(1);
  private volatile Mode mode = Mode.NORMAL;
  private volatile FakeJobServer jobs;
  private HttpServer server;
  private int port;

  FakeServer(String token) {
    this.token = token;
  }

  /** Starts (again) on the same port as before, or on a free one the first time. */
  synchronized FakeServer start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    port = server.getAddress().getPort();
    server.createContext("/api/v1/reports", this::handle);
    if (jobs != null) {
      server.createContext("/api/v1/agents/", jobs::handle);
    }
    server.start();
    return this;
  }

  /**
   * Serves the jobs API too, as {@code jobs} does, on this server's port (before {@link #start}).
   */
  FakeServer withJobs(FakeJobServer jobs) {
    this.jobs = jobs;
    return this;
  }

  /** Stops listening: the agent gets connection refused. */
  synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  void mode(Mode m) {
    mode = m;
  }

  /** Forgets every host's latest content, as a server restored from an old backup would. */
  synchronized void forget() {
    latest.clear();
  }

  synchronized List<Req> requests() {
    return List.copyOf(requests);
  }

  /** Reports the server accepted (2xx), in arrival order. */
  List<Req> accepted() {
    return requests().stream().filter(r -> r.isReport() && r.ok()).toList();
  }

  List<Req> heartbeats() {
    return requests().stream().filter(Req::isHeartbeat).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      byte[] raw;
      try (InputStream in = ex.getRequestBody()) {
        raw = in.readAllBytes();
      }
      if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
        raw = new GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes();
      }
      String body = new String(raw, StandardCharsets.UTF_8);
      if (mode == Mode.HANG && path.equals("/api/v1/reports")) {
        synchronized (this) {
          requests.add(new Req(path, null, null, null, body, 0));
        }
        try {
          release.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      int status;
      String answer = "";
      String type = "application/json";
      synchronized (this) {
        if (!("Bearer " + token).equals(auth)) {
          status = 401;
          type = "application/problem+json";
          answer = "{\"title\":\"Unauthorized\",\"status\":401}";
        } else if (mode == Mode.UNAVAILABLE) {
          status = 503;
          type = "application/problem+json";
          answer = "{\"title\":\"Service Unavailable\",\"status\":503}";
        } else if (path.equals("/api/v1/reports/heartbeat")) {
          JsonNode n = JSON.readTree(body);
          String host = n.path("host").asText();
          status = n.path("contentHash").asText().equals(latest.get(host)) ? 204 : 409;
        } else if (mode == Mode.REJECT) {
          status = 400;
          type = "application/problem+json";
          answer = "{\"title\":\"Bad Request\",\"status\":400,\"detail\":\"schema: test refusal\"}";
        } else {
          String host = JSON.readTree(body).path("host").path("name").asText("unknown");
          String hash = dev.fabricscope.report.ContentHash.of(raw);
          boolean same = hash.equals(latest.put(host, hash));
          status = same ? 200 : 201;
          answer =
              "{\"snapshotId\":"
                  + requests.size()
                  + ",\"outcome\":\""
                  + (same ? "UNCHANGED" : "CREATED")
                  + "\",\"host\":\""
                  + host
                  + "\"}";
        }
        requests.add(
            new Req(
                path,
                ex.getRequestURI().getRawQuery(),
                auth,
                ex.getRequestHeaders().getFirst("Content-Type"),
                body,
                status));
      }
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(status, status == 204 ? -1 : (out.length == 0 ? -1 : out.length));
      if (out.length > 0 && status != 204) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    release.countDown();
    stop();
  }
}
