package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.CompactP2p;
import dev.fabricscope.topology.SyntheticHosts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /p2p}: the compact matrix against the per-pair explanation, and its bounds. */
@QuarkusTest
class P2pMatrixTest {

  @Inject P2pMatrices matrices;

  private static void importFixture(String fixture, String host) throws Exception {
    ApiClient.importFixture(ApiClient.ADMIN, fixture, host);
  }

  private static JsonPath p2p(String host) {
    return given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .get("/api/v1/hosts/" + host + "/p2p")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static void sendSynthetic(String host, int endpoints) {
    String json = ReportJson.write(SyntheticHosts.nestedSwitches(host, endpoints));
    ApiClient.sendReport(ApiClient.ADMIN, json.getBytes(StandardCharsets.UTF_8))
        .then()
        .statusCode(201);
  }

  @Test
  void everyPairEqualsThePerPairExplanation() throws Exception {
    // a real GPU box (NVLink, two-level PLX switches) and a real sysfs tree with soft RoCE
    importFixture("hwloc-xml/nvidiaDGX2.xml", "p2p-dgx2");
    importFixture("sysfs/qemu-rig-iommu.tar.gz", "p2p-rig");
    int checked = 0;
    for (String host : List.of("p2p-dgx2", "p2p-rig")) {
      JsonPath m = p2p(host);
      assertTrue(m.getLong("snapshotId") > 0);
      for (CompactP2p.Pair p : CompactP2p.pairs(m)) {
        JsonPath full =
            given()
                .auth()
                .oauth2(ApiClient.ADMIN)
                .queryParam("a", p.a())
                .queryParam("b", p.b())
                .get("/api/v1/hosts/" + host + "/paths")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        String what = host + " " + p.a() + " / " + p.b();
        for (String field : List.of("kernel", "nvidia", "nvidiaPcie", "nccl")) {
          assertEquals(full.get(field), (Object) p.verdict().get(field), what + " " + field);
        }
        Map<String, Object> bottleneck = full.get("bottleneck");
        Map<String, Object> expected = null;
        if (bottleneck != null) {
          expected = new HashMap<>(bottleneck);
          expected.remove("bdf"); // the compact form keeps the bandwidth only
        }
        assertEquals(expected, p.verdict().get("bottleneck"), what + " bottleneck");
        checked++;
      }
    }
    assertTrue(checked >= 16 * 15 / 2 + 1, checked + " pairs");
  }

  @Test
  void moreDevicesThanTheMaximumIsAProblem() {
    int max = matrices.maxDevices();
    sendSynthetic("p2p-at-limit", max);
    JsonPath ok = p2p("p2p-at-limit");
    assertEquals(max, ok.getList("devices").size());
    assertEquals(max * (max - 1) / 2, ok.getList("pairs").size());
    sendSynthetic("p2p-over-limit", max + 1);
    given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .get("/api/v1/hosts/p2p-over-limit/p2p")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("status", equalTo(422))
        .body("detail", containsString((max + 1) + " matrix devices"));
  }

  @Test
  void noFreeSlotIsA503AndACachedAnswerNeedsNoSlot() {
    sendSynthetic("p2p-busy", 40);
    SlotsHeld.during(matrices, () -> SlotsHeld.busy("/api/v1/hosts/p2p-busy/p2p"));
    JsonPath first = p2p("p2p-busy");
    assertEquals(40, first.getList("devices").size());
    SlotsHeld.during(
        matrices,
        () -> {
          // the same snapshot again: served from the cache while every slot is taken
          assertEquals(first.getList("pairs"), p2p("p2p-busy").getList("pairs"));
        });
  }

  /** The verdict of devices i and j of a compact answer, as the page looks it up. */
  private static Map<String, Object> verdict(JsonPath m, int i, int j) {
    int n = m.getList("devices").size();
    int a = Math.min(i, j);
    int b = Math.max(i, j);
    int k = m.getList("pairs", Integer.class).get(a * n - a * (a + 1) / 2 + (b - a - 1));
    return m.getMap("verdicts[" + k + "]");
  }

  /**
   * The H200 host's gathered tree imported: the layout the Matrix tab draws is the host's own
   * {@code nvidia-smi topo -m} (h200-passthrough.nvidia-smi-topo-m.txt, driver 580): the same rows,
   * labels, cells, affinity columns and values, read from nvidia-smi's text here.
   */
  @Test
  void layoutIsTheHostsOwnNvidiaSmiTopo() throws Exception {
    importFixture("gpu-hosts/h200-passthrough.tar.bz2", "p2p-h200");
    JsonPath m = p2p("p2p-h200");
    List<String> lines =
        Files.readAllLines(
            Fixtures.root().resolve("gpu-hosts/h200-passthrough.nvidia-smi-topo-m.txt"));
    List<String> header = List.of(lines.get(0).substring(1).split("\t"));
    List<String> smiDevices = header.stream().filter(h -> h.matches("(GPU|NIC)\\d+")).toList();
    List<String> affinity = header.subList(smiDevices.size(), header.size());
    assertEquals(affinity, m.getList("layout.affinityColumns"));
    List<Map<String, Object>> rows = m.getList("layout.rows");
    List<Map<String, Object>> smi = rows.stream().filter(r -> (Boolean) r.get("smi")).toList();
    assertEquals(smiDevices, smi.stream().map(r -> r.get("label")).toList());
    int checked = 0;
    for (String line : lines.subList(1, 1 + smiDevices.size())) {
      // the driver writes two tabs before GPU NUMA ID: drop the empty field
      List<String> t =
          Arrays.stream(line.split("\t")).map(String::trim).filter(x -> !x.isEmpty()).toList();
      Map<String, Object> row = smi.get(smiDevices.indexOf(t.get(0)));
      for (int c = 0; c < smiDevices.size(); c++) {
        Map<String, Object> col = smi.get(c);
        String cell =
            row == col
                ? "X"
                : (String)
                    verdict(m, (Integer) row.get("device"), (Integer) col.get("device"))
                        .get("nvidia");
        assertEquals(t.get(1 + c), cell, t.get(0) + "/" + smiDevices.get(c));
        checked++;
      }
      List<String> values = t.subList(1 + smiDevices.size(), t.size());
      assertEquals(
          values,
          Arrays.asList(row.get("cpuAffinity"), row.get("numaAffinity"), row.get("gpuNumaId")));
    }
    assertEquals(1, checked);
    // the virtio-net is listed after nvidia-smi's rows, never as a NIC
    assertTrue(rows.stream().noneMatch(r -> ((String) r.get("label")).startsWith("NIC")));
    assertTrue(rows.stream().anyMatch(r -> "NET0".equals(r.get("label"))));
  }

  /** /paths takes the Matrix tab's labels, nvidia-smi's Bus-Id and hwloc's names like BDFs. */
  @Test
  void pathsTakeTheMatrixLabelsAndToolNames() throws Exception {
    importFixture("gpu-hosts/h200-passthrough.tar.bz2", "p2p-h200-names");
    JsonPath byLabel = path("p2p-h200-names", "GPU0", "NET0").statusCode(200).extract().jsonPath();
    // nvidia-smi -q's Bus-Id of the GPU (8-digit domain) and hwloc's nvml0 / eth0
    for (String[] q :
        List.of(new String[] {"00000000:00:06.0", "eth0"}, new String[] {"nvml0", "eth0"})) {
      JsonPath other = path("p2p-h200-names", q[0], q[1]).statusCode(200).extract().jsonPath();
      assertEquals(byLabel.getString("a"), other.getString("a"));
      assertEquals(byLabel.getString("b"), other.getString("b"));
      assertEquals(byLabel.getMap("kernel"), other.getMap("kernel"));
    }
    assertEquals("0000:00:06.0", byLabel.getString("a"));
    // no RDMA NIC on this host: NIC0 names nothing
    path("p2p-h200-names", "NIC0", "GPU0")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("no device 'NIC0'"))
        .body("detail", containsString("a topo label (GPU0, NIC0)"))
        .body("detail", containsString("GPU0"));
  }

  private static io.restassured.response.ValidatableResponse path(String host, String a, String b) {
    return given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .queryParam("a", a)
        .queryParam("b", b)
        .get("/api/v1/hosts/" + host + "/paths")
        .then();
  }
}
