package dev.fabricscope.bandwidth;

import static dev.fabricscope.bandwidth.JsonFields.unprocessable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.HostNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A bandwidth test as asked for through {@code POST /api/v1/bandwidth-tests}, checked before
 * anything is stored: the body is an object of known fields of the right JSON types (else 400),
 * host names follow {@link HostNames}, endpoints {@link Endpoint#parse} and the rest {@link
 * BandwidthSpec#of} (else 422). One-host kinds run on one host: the target's host may be left out
 * and must otherwise be the source's.
 *
 * <pre>{"kind":"gpu-h2d","source":{"host":"h1","endpoint":"numa:0"},
 *  "target":{"host":"h1","endpoint":"gpu:0"},"size":"256M","repetitions":10,
 *  "durationSeconds":null,"threads":1,"pageable":false}</pre>
 *
 * <p>nvme-read and host-memcpy may add {@code "concurrent":[{"source":{"endpoint":
 * "0000:04:00.0"},"target":{"endpoint":"numa:0"}}]}: more flows on the same host, run at once.
 *
 * @param spec the checked test
 * @param sourceHost the host of the source endpoint
 * @param targetHost the host of the target endpoint (the source's for one-host kinds)
 */
public record TestRequest(BandwidthSpec spec, String sourceHost, String targetHost) {

  /** Largest request body. */
  static final int MAX_BODY = 16 * 1024;

  private static final Set<String> FIELDS =
      Set.of(
          "kind",
          "source",
          "target",
          "size",
          "repetitions",
          "durationSeconds",
          "threads",
          "pageable",
          "concurrent");
  private static final Set<String> SIDE = Set.of("host", "endpoint");
  private static final Set<String> FLOW = Set.of("source", "target");

  /**
   * Reads and checks a request body.
   *
   * @throws ApiException 400 for a body of the wrong shape, 413 when too large, 422 for values
   */
  public static TestRequest parse(byte[] body) {
    JsonNode n = JsonFields.object(JsonFields.parse(body, MAX_BODY, "a test"), "the test", FIELDS);
    String kindName = JsonFields.text(n, "kind", 64);
    if (kindName == null) {
      throw unprocessable("kind: required, one of " + BandwidthKind.names());
    }
    BandwidthKind kind = check(() -> BandwidthKind.of(kindName));
    JsonNode source = JsonFields.object(n.get("source"), "source", SIDE);
    JsonNode targetNode = n.get("target");
    if (targetNode == null || targetNode.isNull()) {
      throw unprocessable("target: required ({\"host\", \"endpoint\"})");
    }
    JsonNode target = JsonFields.object(targetNode, "target", SIDE);
    String sourceHost = host(source, "source.host");
    // one-host kinds may leave the target's host out; two-sided kinds name both
    String targetHost =
        target.hasNonNull("host") || kind.twoSided() ? host(target, "target.host") : sourceHost;
    if (!kind.twoSided() && !sourceHost.equals(targetHost)) {
      throw unprocessable(
          kind.json() + " runs on one host: source.host and target.host must be the same");
    }
    Endpoint src = endpoint(source, "source.endpoint");
    Endpoint dst = endpoint(target, "target.endpoint");
    long bytes = size(n);
    int repetitions =
        (int)
            orDefault(
                JsonFields.integer(n, "repetitions", 1, BandwidthSpec.MAX_REPETITIONS),
                BandwidthSpec.DEFAULT_REPETITIONS);
    Long duration = JsonFields.integer(n, "durationSeconds", 1, BandwidthSpec.MAX_DURATION_SECONDS);
    int threads =
        (int) orDefault(JsonFields.integer(n, "threads", 1, BandwidthSpec.MAX_THREADS), 1);
    boolean pageable = JsonFields.bool(n, "pageable", false);
    List<BandwidthFlow> concurrent = concurrent(n.get("concurrent"), kind, sourceHost);
    BandwidthSpec spec =
        check(
            () ->
                BandwidthSpec.of(
                    kind,
                    src,
                    dst,
                    bytes,
                    repetitions,
                    duration == null ? null : duration.intValue(),
                    threads,
                    pageable,
                    concurrent));
    return new TestRequest(spec, sourceHost, targetHost);
  }

  /**
   * The {@code concurrent} flows: an array of {source, target} sides on the test's host. A kind
   * that runs one flow, more than {@link BandwidthSpec#MAX_FLOWS} flows in all, or a body of the
   * wrong shape is a 400 naming the field; endpoints and hosts that do not fit are 422.
   */
  private static List<BandwidthFlow> concurrent(JsonNode v, BandwidthKind kind, String host) {
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!kind.concurrentFlows()) {
      throw ApiException.badRequest(
          "concurrent: only nvme-read and host-memcpy run concurrent flows, not " + kind.json());
    }
    if (!v.isArray()) {
      throw ApiException.badRequest("concurrent must be an array of {source, target}");
    }
    if (v.size() + 1 > BandwidthSpec.MAX_FLOWS) {
      throw ApiException.badRequest(
          "concurrent: at most "
              + (BandwidthSpec.MAX_FLOWS - 1)
              + " more flows ("
              + BandwidthSpec.MAX_FLOWS
              + " in all), not "
              + v.size());
    }
    List<BandwidthFlow> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      String at = "concurrent[" + i + "]";
      JsonNode f = JsonFields.object(v.get(i), at, FLOW);
      JsonNode s = JsonFields.object(f.get("source"), at + ".source", SIDE);
      JsonNode t = JsonFields.object(f.get("target"), at + ".target", SIDE);
      for (var side : List.of(Map.entry(".source", s), Map.entry(".target", t))) {
        if (side.getValue().hasNonNull("host")
            && !host(side.getValue(), at + side.getKey() + ".host").equals(host)) {
          throw unprocessable(at + side.getKey() + ".host: concurrent flows run on " + host);
        }
      }
      out.add(
          new BandwidthFlow(
              endpoint(s, at + ".source.endpoint"), endpoint(t, at + ".target.endpoint")));
    }
    return out;
  }

  private static String host(JsonNode side, String field) {
    String h = JsonFields.text(side, "host", 1024);
    if (h == null) {
      throw unprocessable(field + ": required");
    }
    HostNames.problem(h)
        .ifPresent(
            why -> {
              throw unprocessable(field + ": " + why);
            });
    return h;
  }

  private static Endpoint endpoint(JsonNode side, String field) {
    String e = JsonFields.text(side, "endpoint", 1024);
    if (e == null) {
      throw unprocessable(field + ": required");
    }
    return check(() -> Endpoint.parse(e), field);
  }

  private static long size(JsonNode n) {
    JsonNode v = n.get("size");
    if (v == null || v.isNull()) {
      return BandwidthSpec.DEFAULT_BYTES;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isTextual() && v.asText().length() <= 32) {
      return check(() -> ByteSizes.parse(v.asText()), "size");
    }
    throw ApiException.badRequest("size must be a number of bytes or text like 256M");
  }

  private static long orDefault(Long v, long dflt) {
    return v == null ? dflt : v;
  }

  private static <T> T check(java.util.function.Supplier<T> s) {
    return check(s, null);
  }

  private static <T> T check(java.util.function.Supplier<T> s, String field) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw unprocessable((field == null ? "" : field + ": ") + e.getMessage());
    }
  }
}
