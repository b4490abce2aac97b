package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.inventory.BandwidthJobStore.NewJob;
import dev.fabricscope.inventory.BandwidthJobStore.Outcome;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import dev.fabricscope.testing.H200Memcpy;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
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

  @Inject BandwidthJobStore store;

  String operator;
  String viewer;

  static double copyGBps(int threads) {
    return H200Memcpy.copyGBps(threads);
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

  /**
   * A finished 2-thread host-memcpy from node 0 to node 1 of {@code host}, straight into the store.
   */
  void crossNodeCopy(String host, double gbps) {
    Instant now = Instant.now();
    BandwidthSpec spec =
        BandwidthSpec.of(
            BandwidthKind.HOST_MEMCPY,
            Endpoint.numa(0),
            Endpoint.numa(1),
            64L << 20,
            3,
            null,
            2,
            false);
    long id = store.create(new NewJob(spec, host, host, "mem-op", now, now.plusSeconds(60))).id();
    store.finish(id, new Outcome(State.MEASURED, gbps, null, "unknown", null, null, null), now);
  }

  long memcpy(String agent, String host, String target, int threads, double gbps, String state) {
    return H200Memcpy.run(operator, agent, host, target, threads, gbps, state);
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
    double def = H200Memcpy.measured().path("summary").path("hostMemcpy16ThreadsGBps").asDouble();
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
    // a copy to another node also crosses the inter-socket link: never a node's capacity. The
    // VM has one node, and a test is queued only to nodes of the host's latest report, so the
    // copy is stored as one measured while an earlier report listed node 1 (reports change)
    crossNodeCopy(host, two);
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
