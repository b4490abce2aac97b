package dev.fabricscope.bandwidth;

import static dev.fabricscope.testing.BandwidthClient.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A test's endpoints are held to its hosts' latest reports when it is queued (eighth review,
 * finding 4): a test on a NUMA node, GPU, device or RDMA port the host does not have is refused. A
 * TCP test's addresses are not: a report lists IP addresses only as RoCE GIDs, and the agent bounds
 * where its run side connects ({@code PeerNetworks}). The hosts carry the rig's report ({@link
 * BandwidthClient#addHost}): NUMA nodes 0 and 1, NVMe at 03:00.0 and 04:00.0, rxe0 and rxe1 (port
 * 1) with link-local GIDs only.
 */
@QuarkusTest
class BandwidthEndpointsOnReportTest {

  @Inject BandwidthJobStore store;

  String operator;
  String a;
  String b;

  @BeforeEach
  void setUp() throws Exception {
    operator = ApiClient.token(BandwidthClient.hostName("ep-op"), "operator", null);
    a = BandwidthClient.hostName("ep-a");
    b = BandwidthClient.hostName("ep-b");
    BandwidthClient.addHost(operator, a);
    BandwidthClient.addHost(operator, b);
  }

  static String tcp(String source, String from, String target, String to) {
    return "{\"kind\":\"tcp\",\"source\":{\"host\":\""
        + source
        + "\",\"endpoint\":\""
        + from
        + "\"},\"target\":{\"host\":\""
        + target
        + "\",\"endpoint\":\""
        + to
        + "\"},\"durationSeconds\":300}";
  }

  static String oneHost(String kind, String host, String from, String to, String more) {
    return "{\"kind\":\""
        + kind
        + "\",\"source\":{\"host\":\""
        + host
        + "\",\"endpoint\":\""
        + from
        + "\"},\"target\":{\"endpoint\":\""
        + to
        + "\"},\"size\":\"64M\""
        + more
        + "}";
  }

  void refused(String body, String... detail) {
    long before = store.rowCount();
    Response r = post(operator, body);
    r.then().statusCode(422).contentType(containsString("application/problem+json"));
    for (String d : detail) {
      r.then().body("detail", containsString(d));
    }
    assertEquals(before, store.rowCount(), "nothing stored for " + body);
  }

  /** Hosts without RoCE addresses (as in the two-agent netns test) still run TCP tests. */
  @Test
  void tcpAddressesTheReportsDoNotListAreQueued() {
    for (String[] ends :
        new String[][] {
          {"addr:10.77.0.2", "addr:10.77.0.3"},
          {"numa:0", "addr:fd00::3"},
          {"numa:1", "addr:8.8.8.8"}
        }) {
      cancel(BandwidthClient.queue(operator, tcp(a, ends[0], b, ends[1])));
    }
    // the source's NUMA node is still held to its report
    refused(tcp(a, "numa:9", b, "addr:10.77.0.3"), "source.endpoint: numa:9 is not a NUMA node");
  }

  @Test
  void numaNodesGpusDevicesAndRdmaPortsTheReportLacksAreRefused() {
    refused(
        oneHost("host-memcpy", a, "numa:0", "numa:999", ""),
        "target.endpoint: numa:999 is not a NUMA node",
        "(it has numa:0, numa:1)");
    refused(oneHost("gpu-h2d", a, "numa:0", "gpu:0", ""), "it has no NVIDIA GPU");
    refused(oneHost("nvme-read", a, "0000:99:00.0", "numa:0", ""), "not a PCI function");
    refused(
        oneHost(
            "nvme-read",
            a,
            "0000:03:00.0",
            "numa:0",
            ",\"concurrent\":[{\"source\":{\"endpoint\":\"0000:04:00.0\"},"
                + "\"target\":{\"endpoint\":\"numa:7\"}}]"),
        "concurrent[0].target.endpoint: numa:7");
    refused(
        "{\"kind\":\"rdma-write\",\"source\":{\"host\":\""
            + a
            + "\",\"endpoint\":\"rdma:rxe0\"},\"target\":{\"host\":\""
            + b
            + "\",\"endpoint\":\"rdma:mlx5_0\"}}",
        "rdma:mlx5_0:1 is not an RDMA port",
        "rdma:rxe0:1, rdma:rxe1:1");
  }

  /**
   * Random tests of the kinds the rig's report can hold, with endpoints it has and lacks: queued
   * exactly when every endpoint other than an address is on its host's report (then cancelled, to
   * stay under the caller's queue limit).
   */
  @Test
  void randomTestsAreQueuedExactlyWhenTheReportHasEveryEndpoint() {
    Set<String> has =
        Set.of("numa:0", "numa:1", "0000:03:00.0", "0000:04:00.0", "rdma:rxe0", "rdma:rxe1");
    List<String> numa = List.of("numa:0", "numa:1", "numa:2", "numa:63");
    List<String> addr = List.of("addr:10.0.0.1", "addr:10.0.0.2", "addr:10.0.0.3", "addr:1.1.1.1");
    List<String> nvme = List.of("0000:03:00.0", "0000:04:00.0", "0000:09:00.0", "0000:3b:00.0");
    List<String> rdma = List.of("rdma:rxe0", "rdma:rxe1", "rdma:rxe2", "rdma:mlx5_0");
    Random rnd = new Random(8_004L);
    for (int i = 0; i < 40; i++) {
      String from;
      String to;
      String body;
      switch (rnd.nextInt(4)) {
        case 0 -> {
          from = pick(rnd, rnd.nextBoolean() ? numa : addr);
          to = pick(rnd, addr);
          body = tcp(a, from, b, to);
        }
        case 1 -> {
          from = pick(rnd, numa);
          to = pick(rnd, numa);
          body = oneHost("host-memcpy", a, from, to, "");
        }
        case 2 -> {
          from = pick(rnd, nvme);
          to = pick(rnd, numa);
          body = oneHost("nvme-read", a, from, to, "");
        }
        default -> {
          from = pick(rnd, rdma);
          to = pick(rnd, rdma);
          body = body("rdma-send", a, from, b, to);
        }
      }
      Response r = post(operator, body);
      boolean ok =
          (from.startsWith("addr:") || has.contains(from))
              && (to.startsWith("addr:") || has.contains(to));
      assertEquals(ok ? 201 : 422, r.statusCode(), () -> body + ": " + r.asString());
      if (ok) {
        cancel(((Number) r.path("id")).longValue());
      }
    }
  }

  static String body(String kind, String source, String from, String target, String to) {
    return tcp(source, from, target, to).replace("\"tcp\"", "\"" + kind + "\"");
  }

  static String pick(Random rnd, List<String> values) {
    return values.get(rnd.nextInt(values.size()));
  }

  void cancel(long id) {
    given().auth().oauth2(operator).delete("/api/v1/bandwidth-tests/" + id).then().statusCode(200);
  }
}
