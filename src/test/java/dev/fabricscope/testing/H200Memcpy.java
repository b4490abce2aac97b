package dev.fabricscope.testing;

import static dev.fabricscope.testing.BandwidthClient.event;
import static dev.fabricscope.testing.BandwidthClient.poll;
import static dev.fabricscope.testing.BandwidthClient.queue;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The host memory copies measured on the H200 VM ({@code
 * gpu-hosts/h200-passthrough.bandwidth.json}) and a host-memcpy test played through the agent API
 * as the agent runs it, for the tests of predictions that take a host's measured memory.
 */
public final class H200Memcpy {

  private static JsonNode measured;

  private H200Memcpy() {}

  /** The fixture's bandwidth-test results. */
  public static synchronized JsonNode measured() {
    if (measured == null) {
      try {
        measured =
            new ObjectMapper()
                .readTree(
                    Fixtures.root().resolve("gpu-hosts/h200-passthrough.bandwidth.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return measured;
  }

  /** The fixture's host memory copy with {@code threads} threads, GB/s. */
  public static double copyGBps(int threads) {
    for (JsonNode r : measured().path("hostMemcpy").path("results")) {
      if (r.path("threads").asInt() == threads) {
        return r.path("copyGBps").asDouble();
      }
    }
    throw new AssertionError("no " + threads + "-thread copy in the fixture");
  }

  /**
   * A host-memcpy test of {@code host} from NUMA node 0 to {@code target} queued by {@code
   * operator} and run to its end by {@code agent}: one sample of {@code gbps}, ending in {@code
   * state}; its job id.
   */
  public static long run(
      String operator,
      String agent,
      String host,
      String target,
      int threads,
      double gbps,
      String state) {
    String body = BandwidthClient.memcpy(host, threads).replace("\"numa:1\"", "\"" + target + "\"");
    long id = queue(operator, body);
    poll(agent, host, 5).then().statusCode(200).body("jobId", equalTo((int) id));
    event(agent, host, id, "{\"type\":\"started\",\"role\":\"run\"}").then().statusCode(200);
    String result =
        String.format(
            Locale.ROOT,
            "{\"type\":\"result\",\"samples\":[%s],\"helper\":\"fabricscope-membw 1\"}",
            gbps);
    event(agent, host, id, result).then().statusCode(200).body("state", equalTo(state));
    return id;
  }
}
