package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The server as {@link RunLoop} sees it through {@link Transport}, without HTTP: every request is
 * recorded with its (virtual) start and end and the report version it carried, and answered as the
 * test says. Counts requests in flight at once, which must never exceed one.
 */
final class ScriptedServer implements Transport {

  /** How to answer a request. */
  interface Script {
    /** The answer to this request (status and retry-after are for the log only). */
    Sender.Kind answer(boolean isReport, int version);

    /** How long the request takes, in nanoseconds of the test's clock. */
    default long latencyNanos() {
      return 0;
    }

    /** The Retry-After of a {@link Sender.Kind#RETRY}, or null. */
    default java.time.Duration retryAfter() {
      return null;
    }
  }

  /**
   * One request.
   *
   * @param version the report's version, or the heartbeat's (from its hash), -1 when unknown
   */
  record Request(boolean isReport, int version, long start, long end, Sender.Kind answer) {}

  private final LongSupplier clock;
  private final Script script;
  private final java.util.function.LongConsumer takeTime;
  private final List<Request> requests = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private int maxInFlight;
  private String ackedHash;

  /**
   * @param clock the loop's clock, for the record
   * @param takeTime makes a request's latency pass ({@link VirtualClock#pass}), or nothing
   */
  ScriptedServer(LongSupplier clock, java.util.function.LongConsumer takeTime, Script script) {
    this.clock = clock;
    this.takeTime = takeTime;
    this.script = script;
  }

  /** A report of version {@code version}: only the host's kernel version differs between them. */
  static Report report(int version) {
    return new Report(
        Report.SCHEMA_VERSION,
        "sysfs",
        new Host("h1", "v" + version, null, null, null, List.of()),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  /** The version of a report body. */
  static int version(byte[] body) {
    try {
      JsonNode n = ReportJson.mapper().readTree(new String(body, StandardCharsets.UTF_8));
      return Integer.parseInt(n.path("host").path("kernelVersion").asText().substring(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Sender.Response postReport(byte[] body) {
    Sender.Response r = answer(true, version(body));
    if (r.kind() == Sender.Kind.OK) {
      synchronized (this) {
        ackedHash = dev.fabricscope.report.ContentHash.of(body);
      }
    }
    return r;
  }

  @Override
  public Sender.Response heartbeat(String host, String contentHash) {
    synchronized (this) {
      if (!"h1".equals(host) || contentHash == null || !contentHash.equals(ackedHash)) {
        throw new AssertionError("a heartbeat names the last report acknowledged: " + host);
      }
    }
    return answer(false, -1);
  }

  private Sender.Response answer(boolean isReport, int version) {
    int n = inFlight.incrementAndGet();
    try {
      synchronized (this) {
        maxInFlight = Math.max(maxInFlight, n);
      }
      long start = clock.getAsLong();
      Sender.Kind kind = script.answer(isReport, version);
      takeTime.accept(script.latencyNanos());
      synchronized (this) {
        requests.add(new Request(isReport, version, start, clock.getAsLong(), kind));
      }
      int status =
          switch (kind) {
            case OK -> isReport ? 201 : 204;
            case CONFLICT -> 409;
            case RETRY -> 503;
            case REJECTED -> 400;
          };
      java.time.Duration after = kind == Sender.Kind.RETRY ? script.retryAfter() : null;
      return new Sender.Response(kind, status, "", 0, after, kind == Sender.Kind.OK ? "h1" : null);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized List<Request> heartbeats() {
    return requests.stream().filter(r -> !r.isReport()).toList();
  }

  synchronized List<Request> reports() {
    return requests.stream().filter(Request::isReport).toList();
  }

  synchronized int maxInFlight() {
    return maxInFlight;
  }
}
