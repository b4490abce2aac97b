package dev.fabricscope.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** HTTP calls of the replica ITs: tokens, reports, tests, agent polls and SSE streams. */
final class ReplicaClient {

  static final ObjectMapper JSON = new ObjectMapper();
  // HTTP/1.1, as the agent's JobClient and Sender: the default tries an h2c upgrade per
  // connection, and under a loaded full build one of 20 concurrent long polls once hung past 30 s
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ReplicaClient() {}

  record Reply(int status, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  static Reply send(String method, String url, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(90))
            .header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  /** An agent token for {@code host}, made by the admin through {@code url}. */
  static String agentToken(String url, String host) throws Exception {
    Reply r =
        send(
            "POST",
            url + "/api/v1/tokens",
            ServerProcess.ADMIN,
            "{\"name\":\"agent-" + host + "\",\"role\":\"agent\",\"host\":\"" + host + "\"}");
    if (r.status() != 201) {
      throw new AssertionError(r.body());
    }
    return r.json().get("secret").asText();
  }

  /** The test report of {@code host}, its kernel command line carrying {@code marker}. */
  static String report(String host, String marker) throws Exception {
    return Files.readString(Path.of("src/test/resources/valid-report.json"))
        .replace("\"corpus-host\"", "\"" + host + "\"")
        .replace("intel_iommu=on", "intel_iommu=on " + marker);
  }

  static Reply postReport(String url, String agent, String body) throws Exception {
    return send("POST", url + "/api/v1/reports", agent, body);
  }

  /** Queues a host-memcpy test on {@code host} through {@code url}; its id. */
  static long queueMemcpy(String url, String host) throws Exception {
    Reply r =
        send(
            "POST",
            url + "/api/v1/bandwidth-tests",
            ServerProcess.ADMIN,
            "{\"kind\":\"host-memcpy\",\"source\":{\"host\":\""
                + host
                + "\",\"endpoint\":\"numa:0\"},\"target\":{\"host\":\""
                + host
                + "\",\"endpoint\":\"numa:1\"},\"size\":\"1M\",\"repetitions\":1,\"threads\":1}");
    if (r.status() != 201) {
      throw new AssertionError(r.status() + " " + r.body());
    }
    return r.json().get("id").asLong();
  }

  static Reply poll(String url, String agent, String host, int waitSeconds) throws Exception {
    return send(
        "GET", url + "/api/v1/agents/" + host + "/jobs?waitSeconds=" + waitSeconds, agent, null);
  }

  static Reply event(String url, String agent, String host, long id, String body) throws Exception {
    return send("POST", url + "/api/v1/agents/" + host + "/jobs/" + id + "/events", agent, body);
  }

  static Reply job(String url, long id) throws Exception {
    return send("GET", url + "/api/v1/bandwidth-tests/" + id, ServerProcess.ADMIN, null);
  }

  /** An event read from a stream, with when it arrived ({@link System#nanoTime()}). */
  record Arrived(JsonNode event, long nanos) {}

  /** A host's SSE stream on one replica, read on a thread of its own into a queue. */
  static final class Stream implements AutoCloseable {
    final BlockingQueue<Arrived> events = new LinkedBlockingQueue<>();
    private final InputStream body;
    private final Thread reader;

    Stream(String url, String host) throws Exception {
      HttpResponse<InputStream> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url + "/api/v1/host-events/" + host))
                  .header("Authorization", "Bearer " + ServerProcess.ADMIN)
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        throw new AssertionError("stream of " + host + ": " + r.statusCode());
      }
      body = r.body();
      reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                  for (String l; (l = in.readLine()) != null; ) {
                    if (l.startsWith("data:")) {
                      events.add(
                          new Arrived(JSON.readTree(l.substring(5).trim()), System.nanoTime()));
                    }
                  }
                } catch (Exception e) {
                  // closed
                }
              },
              "sse-" + host);
      reader.setDaemon(true);
      reader.start();
    }

    /** The next event of {@code type}, skipping others; fails after {@code seconds}. */
    Arrived next(String type, int seconds) throws InterruptedException {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (true) {
        long left = until - System.nanoTime();
        Arrived a = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
        if (a == null) {
          throw new AssertionError("no " + type + " event within " + seconds + " s");
        }
        if (a.event().get("type").asText().equals(type)) {
          return a;
        }
      }
    }

    @Override
    public void close() throws Exception {
      body.close();
    }
  }
}
