package dev.fabricscope.bandwidth;

import static dev.fabricscope.testing.BandwidthClient.event;
import static dev.fabricscope.testing.BandwidthClient.poll;
import static dev.fabricscope.testing.BandwidthClient.post;
import static dev.fabricscope.testing.BandwidthClient.queue;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * nvme-read with concurrent flows on a host whose report is the rig's ({@code qemu-rig-plain}):
 * refused shapes, and a test of two reads behind the x3130 switch from queue to verdict, with this
 * test playing the agent. Expected values by hand from the fixture's lspci-vvv.txt: every link
 * trained at 2.5 GT/s x1, so 2.5 Gb/s x 8/10 / 8 = 0.25 GB/s raw per direction, MaxPayload 128
 * bytes. Both reads cross the switch uplink: each gets half of it, 0.125 of raw, x 0.88
 * (nvme-read's efficiency) = 0.11 GB/s; the planner's own figure is half the usable rate, 0.25 x
 * 128/154 x 0.95 / 2 = 0.0987, 0.1 rounded.
 */
@QuarkusTest
class BandwidthConcurrentFlowsTest {

  String operator;
  String viewer;
  String host;

  @BeforeEach
  void hostAndTokens() throws Exception {
    operator = ApiClient.token(BandwidthClient.hostName("cf-op"), "operator", null);
    viewer = ApiClient.token(BandwidthClient.hostName("cf-viewer"), "viewer", null);
    host = BandwidthClient.hostName("cf-host");
    BandwidthClient.addHost(operator, host);
  }

  private String nvme(String concurrent) {
    return "{\"kind\":\"nvme-read\",\"source\":{\"host\":\""
        + host
        + "\",\"endpoint\":\"0000:03:00.0\"},\"target\":{\"endpoint\":\"numa:0\"},\"size\":\"64M\","
        + "\"repetitions\":3,\"concurrent\":"
        + concurrent
        + "}";
  }

  private static String flow(String source) {
    return "{\"source\":{\"endpoint\":\"" + source + "\"},\"target\":{\"endpoint\":\"numa:0\"}}";
  }

  @Test
  void kindsOfOneFlowGetA400NamingTheField() {
    String body =
        "{\"kind\":\"gpu-h2d\",\"source\":{\"host\":\""
            + host
            + "\",\"endpoint\":\"numa:0\"},\"target\":{\"endpoint\":\"gpu:0\"},\"concurrent\":["
            + flow("numa:0")
            + "]}";
    post(operator, body)
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"))
        .body("detail", startsWith("concurrent: only nvme-read and host-memcpy"));
  }

  @Test
  void moreThanSixteenFlowsOrAnotherShapeGetA400() {
    String sixteen =
        "[" + String.join(",", java.util.Collections.nCopies(16, flow("0000:04:00.0")));
    post(operator, nvme(sixteen + "]"))
        .then()
        .statusCode(400)
        .body("detail", startsWith("concurrent: at most 15 more flows"));
    post(operator, nvme("\"0000:04:00.0=numa:0\"")).then().statusCode(400);
    post(operator, nvme("[{\"source\":{\"endpoint\":\"0000:04:00.0\"},\"x\":1}]"))
        .then()
        .statusCode(400)
        .body("detail", startsWith("concurrent[0]: unknown field 'x'"));
  }

  @Test
  void hostileOrMismatchedFlowsGetA422() {
    for (String bad : List.of("0000:04:00.0;id", "$(id)", "--output=/etc/x", "numa:1", "gpu:0")) {
      post(operator, nvme("[" + flow(bad) + "]"))
          .then()
          .statusCode(422)
          .body("detail", startsWith("concurrent[0].source"));
    }
    post(operator, nvme("[" + flow("0000:03:00.0") + "]"))
        .then()
        .statusCode(422)
        .body("detail", containsString("already read by another flow"));
    String otherHost =
        "[{\"source\":{\"host\":\"elsewhere\",\"endpoint\":\"0000:04:00.0\"},"
            + "\"target\":{\"endpoint\":\"numa:0\"}}]";
    post(operator, nvme(otherHost))
        .then()
        .statusCode(422)
        .body("detail", equalTo("concurrent[0].source.host: concurrent flows run on " + host));
  }

  @Test
  void twoReadsBehindTheSwitchExpectThePlannersEqualShares() throws Exception {
    String agent = ApiClient.token(BandwidthClient.hostName("cf-agent"), "agent", host);
    long id = queue(operator, nvme("[" + flow("pci:0000:04:00.0") + "]"));
    poll(agent, host, 5)
        .then()
        .statusCode(200)
        .body("jobId", equalTo((int) id))
        .body("kind", equalTo("nvme-read"))
        .body(
            "concurrent",
            equalTo(List.of(java.util.Map.of("source", "0000:04:00.0", "target", "numa:0"))));
    // one list per flow is required with a test of two flows
    event(agent, host, id, "{\"type\":\"result\",\"samples\":[0.2],\"helper\":\"x 1\"}")
        .then()
        .statusCode(422)
        .body("detail", startsWith("flowSamples: one list per flow, 2"));
    event(
            agent,
            host,
            id,
            "{\"type\":\"result\",\"samples\":[0.19,0.25,0.21],\"helper\":\"fabricscope-nvme-read 2\","
                + "\"flowSamples\":[[0.10,0.12,0.11],[0.09,0.13,0.10]]}")
        .then()
        .statusCode(200)
        .body("state", equalTo("passed"));
    Response job = BandwidthClient.get(viewer, id);
    job.then()
        .statusCode(200)
        .body("concurrent[0].source", equalTo("0000:04:00.0"))
        .body("measuredGBps", equalTo(0.21f)) // the median of the per-pass sums
        .body("expectedGBps", equalTo(0.22f)) // 0.11 + 0.11
        .body("verdict", equalTo("pass"))
        .body("result.flows.size()", equalTo(2))
        .body("result.flows[0].source", equalTo("0000:03:00.0"))
        .body("result.flows[0].measuredGBps", equalTo(0.11f))
        .body("result.flows[0].expectedGBps", equalTo(0.11f))
        .body("result.flows[1].source", equalTo("0000:04:00.0"))
        .body("result.flows[1].measuredGBps", equalTo(0.10f))
        .body("result.flows[1].expectedGBps", equalTo(0.11f));
    // the prediction API on the same flows: the same bottleneck, at the planner's usable rate
    Response p =
        given()
            .auth()
            .oauth2(viewer)
            .queryParam("flow", "0000:03:00.0>memory:0")
            .queryParam("flow", "0000:04:00.0>memory:0")
            .get("/api/v1/hosts/" + host + "/prediction");
    p.then()
        .statusCode(200)
        .body("flows[0].predictedGBps", equalTo(0.1f))
        .body("flows[1].predictedGBps", equalTo(0.1f));
    String b =
        p.path("flows[0].bottleneck.upstream") + "-" + p.path("flows[0].bottleneck.downstream");
    job.then().body("result.flows[0].bottleneck", equalTo(b));
  }
}
