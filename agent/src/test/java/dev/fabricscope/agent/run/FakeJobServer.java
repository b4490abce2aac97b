package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fabricscope.agent.bandwidth.PeerNetworks;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server's agent jobs API as the agent sees it, on 127.0.0.1: capabilities are recorded, polls
 * answer the next queued assignment (or 204 after {@link #quietPollMillis}), events are recorded
 * and answered 200, or 409 {@code {"cancelled", "state"}} for jobs marked over.
 */
final class FakeJobServer implements AutoCloseable {

  /**
   * A job loop polling this server as node-1, with {@code helper} its only helper: the setup the
   * loop tests share.
   */
  JobLoop loopFor(RecordingHelper helper, Backoff backoff, AgentLog log, PeerNetworks peers) {
    return new JobLoop(
        new JobClient(uri(), "node-1", () -> "agent-token", Duration.ofSeconds(5)),
        List.of(helper),
        kind -> helper.handles(kind) ? Optional.of(helper) : Optional.empty(),
        backoff,
        Duration.ofMillis(100),
        log,
        peers);
  }

  /**
   * The private ranges, with {@code own} taken for this host's interface addresses: where a listen
   * side may listen ({@link PeerNetworks#listenProblem}) in tests that listen on no real one.
   */
  static PeerNetworks hostWith(String... own) {
    List<InetAddress> addresses = new ArrayList<>();
    for (String a : own) {
      try {
        addresses.add(InetAddress.getByName(a)); // literals only: no resolver is asked
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(a, e);
      }
    }
    return new PeerNetworks(List.of(), List::of, () -> addresses);
  }

  /** An event the agent posted, and when it arrived (System.nanoTime). */
  record Event(long jobId, JsonNode body, long atNanos) {
    String type() {
      return body.path("type").asText();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<String> capabilities = new CopyOnWriteArrayList<>();
  final List<Event> events = new CopyOnWriteArrayList<>();
  final BlockingQueue<String> assignments = new LinkedBlockingQueue<>();
  final Map<Long, String> over = new ConcurrentHashMap<>();
  final Set<Long> cancelled = ConcurrentHashMap.newKeySet();

  /** Raw answers to the next polls (status, body bytes), before any assignment. */
  final BlockingQueue<Map.Entry<Integer, byte[]>> rawPolls = new LinkedBlockingQueue<>();

  /** When each poll arrived (System.nanoTime). */
  final List<Long> pollTimes = new CopyOnWriteArrayList<>();

  /** An assignment that answers every poll (a server stuck on one), or null. */
  volatile String everyPoll;

  /** How long a poll without work is held before its 204. */
  volatile long quietPollMillis = EmptyPolls.QUICK.toMillis() + 200;

  /** The Retry-After of the raw answers, or null for none. */
  volatile String retryAfter;

  volatile boolean noJobsApi;
  private final HttpServer server;

  FakeJobServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Marks a job over: its next event gets 409. */
  void end(long jobId, String state) {
    over.put(jobId, state);
  }

  /** Events of one job, in order. */
  List<Event> eventsOf(long jobId) {
    return events.stream().filter(e -> e.jobId() == jobId).toList();
  }

  /** Answers one request of the jobs API (also when another server's port takes it). */
  void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (noJobsApi || !path.startsWith("/api/v1/agents/node-1/")) {
        answer(ex, 404, "{\"title\":\"Not found\"}");
        return;
      }
      if (path.endsWith("/jobs")) {
        pollTimes.add(System.nanoTime());
      }
      if (path.endsWith("/capabilities")) {
        capabilities.add(body);
        answer(ex, 200, "{}");
      } else if (path.endsWith("/jobs") && !rawPolls.isEmpty()) {
        Map.Entry<Integer, byte[]> raw = rawPolls.take();
        if (retryAfter != null) {
          ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(raw.getKey(), raw.getValue().length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(raw.getValue());
        } catch (IOException e) {
          // the agent hung up on it: what an oversized answer gets
        }
      } else if (path.endsWith("/jobs") && everyPoll != null) {
        answer(ex, 200, everyPoll);
      } else if (path.endsWith("/jobs")) {
        // held past EmptyPolls.QUICK, as the server holds a long poll: a quicker 204 is paced
        String next = assignments.poll(quietPollMillis, TimeUnit.MILLISECONDS);
        answer(ex, next == null ? 204 : 200, next);
      } else if (path.endsWith("/events")) {
        long id = Long.parseLong(path.replaceAll(".*/jobs/([0-9]+)/events", "$1"));
        events.add(new Event(id, JSON.readTree(body), System.nanoTime()));
        String state = over.get(id);
        if (state != null) {
          answer(
              ex,
              409,
              "{\"status\":409,\"cancelled\":"
                  + state.equals("cancelled")
                  + ",\"state\":\""
                  + state
                  + "\"}");
        } else {
          answer(ex, 200, "{\"jobId\":" + id + ",\"state\":\"running\"}");
        }
      } else {
        answer(ex, 404, "{}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    if (body == null || status == 204) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
