package dev.fabricscope.plans;

import static dev.fabricscope.testing.BandwidthClient.event;
import static dev.fabricscope.testing.BandwidthClient.poll;
import static dev.fabricscope.testing.BandwidthClient.queue;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Host memory capacity of a host's prediction from its bandwidth tests, on the H200 VM's tree
 * (gpu-hosts/h200-passthrough.tar.bz2: one Gen5 x16 GPU, so its link, above 50 GB/s, never binds
 * below the memory values used here) with the host-memcpy values measured on that VM
 * (h200-passthrough.bandwidth.json), played through the agent API as the agent posts them.
 */
@QuarkusTest
class HostPredictionMemoryTest {

  static JsonNode measured;

  String operator;
  String viewer;

  @BeforeAll
  static void fixture() throws Exception {
    measured =
        new ObjectMapper()
            .readTree(
                Fixtures.root().resolve("gpu-hosts/h200-passthrough.bandwidth.json").toFile());
  }

  /** The fixture's host memory copy with {@code threads} threads, GB/s. */
  static double copyGBps(int threads) {
    for (JsonNode r : measured.path("hostMemcpy").path("results")) {
      if (r.path("threads").asInt() == threads) {
        return r.path("copyGBps").asDouble();
      }
    }
    throw new AssertionError("no " + threads + "-thread copy in the fixture");
  }

  @BeforeEach
  void tokens() {
    operator = ApiClient.token(BandwidthClient.hostName("mem-op"), "operator", null);
    viewer = ApiClient.token(BandwidthClient.hostName("mem-viewer"), "viewer", null);
  }

  String h200() throws Exception {
    String host = BandwidthClient.hostName("mem-h200");
    ApiClient.importFixture(operator, "gpu-hosts/h200-passthrough.tar.bz2", host);
    return host;
  }

  JsonPath predict(String host, String memoryGBps) {
    var req = given().auth().oauth2(viewer).queryParam("pattern", "gpu-to-host");
    if (memoryGBps != null) {
      req = req.queryParam("memoryGBps", memoryGBps);
    }
    return req.get("/api/v1/hosts/" + host + "/prediction")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** A host-memcpy test run to its end as the agent runs it: one sample of {@code gbps}. */
  long memcpy(String agent, String host, String target, int threads, double gbps, String state) {
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

  static void assertMemory(JsonPath p, double gbps, String source, Long jobId, Integer threads) {
    assertEquals(1, p.getList("capacities.memory").size(), p.prettify());
    assertEquals(0, p.getInt("capacities.memory[0].numaNode"));
    assertEquals(gbps, p.getDouble("capacities.memory[0].gbps"), 1e-9);
    assertEquals(source, p.getString("capacities.memory[0].source"));
    assertEquals(jobId, p.getObject("capacities.memory[0].jobId", Long.class));
    assertEquals(threads, p.getObject("capacities.memory[0].threads", Integer.class));
    // the one GPU writes to node 0's memory: the memory link carries the capacity and binds
    assertEquals("numa:0", p.getString("links.find { it.kind == 'memory' }.downstream"));
    assertEquals(gbps, p.getDouble("links.find { it.kind == 'memory' }.capacityGBps"), 1e-9);
    assertEquals(gbps, p.getDouble("flows[0].predictedGBps"), 1e-9);
    assertEquals("memory", p.getString("flows[0].bottleneck.kind"));
  }

  @Test
  void aHostWithoutMeasurementTakesTheDocumentedDefault() throws Exception {
    JsonPath p = predict(h200(), null);
    // the default is the fixture's 16-thread copy (LinkRates.DEFAULT_MEMORY_GBPS); the GPU link
    // (Gen5 x16, 63.0 raw) is below it after the TLP overhead, so memory does not bind
    double def = measured.path("summary").path("hostMemcpy16ThreadsGBps").asDouble();
    assertEquals(def, copyGBps(16), 1e-9);
    assertEquals("default", p.getString("capacities.memory[0].source"));
    assertEquals(def, p.getDouble("capacities.memory[0].gbps"), 1e-9);
    assertNull(p.get("capacities.memory[0].jobId"));
    assertEquals(def, p.getDouble("links.find { it.kind == 'memory' }.capacityGBps"), 1e-9);
    assertEquals("pcie", p.getString("flows[0].bottleneck.kind"));
  }

  @Test
  void theFastestCopyWithinTheNodeIsTheCapacityAndTheQueryOverridesIt() throws Exception {
    String host = h200();
    String agent = ApiClient.token(BandwidthClient.hostName("mem-agent"), "agent", host);
    double one = copyGBps(1); // 9.75
    double two = copyGBps(2); // 17.41
    long a = memcpy(agent, host, "numa:0", 1, one, "measured");
    assertMemory(predict(host, null), one, "measured", a, 1);
    // a copy to another node also crosses the inter-socket link: never a node's capacity
    memcpy(agent, host, "numa:1", 2, two, "measured");
    assertMemory(predict(host, null), one, "measured", a, 1);
    // the query wins over the measurement, for every node
    assertMemory(predict(host, "20"), 20.0, "override", null, null);
    long c = memcpy(agent, host, "numa:0", 2, two, "measured");
    assertMemory(predict(host, null), two, "measured", c, 2);
    // a newer but slower copy (passed against the 1-thread baseline) does not lower it
    memcpy(agent, host, "numa:0", 1, one, "passed");
    assertMemory(predict(host, null), two, "measured", c, 2);
  }
}
