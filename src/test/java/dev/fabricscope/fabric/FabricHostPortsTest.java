package dev.fabricscope.fabric;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.api.FabricResource;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fabric view keeps each host's RDMA ports by snapshot: a view after another host's new
 * snapshot parses that host only. A review showed the view held every host's whole report at once
 * (150 reports of 1.6 MB, 12 parallel views ran a 1.4 GB heap out); now a kept host's ports are the
 * same object from view to view, and a view parses one report at a time.
 */
@QuarkusTest
class FabricHostPortsTest {

  @Inject FabricHostPorts hostPorts;

  @Test
  void aNewSnapshotReparsesOnlyItsHost() throws Exception {
    String kept = "ports-kept-" + System.nanoTime();
    String changed = "ports-changed-" + System.nanoTime();
    send(kept, 0);
    send(changed, 0);
    HostRdmaPorts keptPorts = of(kept);
    HostRdmaPorts changedPorts = of(changed);
    assertEquals(2, keptPorts.size(), "the rig report's two rxe ports");
    assertSame(keptPorts, of(kept), "a second view parses nothing");

    send(changed, 1);
    assertSame(keptPorts, of(kept), "not parsed again: no new snapshot");
    HostRdmaPorts reparsed = of(changed);
    assertNotSame(changedPorts, reparsed, "parsed again from its new snapshot");
    assertEquals(2, reparsed.size());

    // and the page and the API show both hosts' ports from what is kept
    String page = given().get("/fabric").then().statusCode(200).extract().asString();
    assertTrue(page.contains(kept) && page.contains(changed));
    List<String> hosts = given().get("/api/v1/fabric").jsonPath().getList("hosts.flatten()");
    assertTrue(hosts.contains(kept) && hosts.contains(changed), hosts.toString());
  }

  /**
   * A host of 300 RDMA devices shows its first 256 ports and counts the rest (fourteenth security
   * review: 20 hosts of 10,000 ports made one view of the page run the server out of heap).
   */
  @Test
  void aHostOfManyPortsShowsTheFirst256AndCountsTheRest() throws Exception {
    String host = "ports-many-" + System.nanoTime();
    String token = ApiClient.token("ports-" + System.nanoTime(), "agent", host);
    var mapper = dev.fabricscope.report.ReportJson.mapper();
    var json =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            mapper.readTree(
                new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8)
                    .replace("corpus-host", host));
    var rdma = (com.fasterxml.jackson.databind.node.ArrayNode) json.get("rdma");
    var first = rdma.get(0);
    rdma.removeAll();
    for (int i = 0; i < 300; i++) {
      var d = (com.fasterxml.jackson.databind.node.ObjectNode) first.deepCopy();
      d.put("name", "rxe" + i);
      rdma.add(d);
    }
    ApiClient.sendReport(token, mapper.writeValueAsBytes(json)).then().statusCode(201);
    HostRdmaPorts ports = of(host);
    assertEquals(HostRdmaPorts.MAX_PORTS, ports.size());
    assertEquals(300 - HostRdmaPorts.MAX_PORTS, ports.leftOut());
    String page = given().get("/fabric").then().statusCode(200).extract().asString();
    String note = page.substring(page.indexOf("id=\"fabric-left-out\""));
    assertTrue(note.contains(host + "</span> × 44"), note.substring(0, 300));

    // the API says so too: a header with the total, and the hosts by name
    var answer = given().get("/api/v1/fabric").then().statusCode(200).extract();
    int total = Integer.parseInt(answer.header(FabricResource.PORTS_LEFT_OUT));
    assertTrue(total >= 44, "at least this host's 44: " + total);
    var left = given().get("/api/v1/fabric/left-out").then().statusCode(200).extract().jsonPath();
    List<String> names = left.getList("host");
    List<Integer> counts = left.getList("ports");
    assertEquals(44, counts.get(names.indexOf(host)));
    assertEquals(total, counts.stream().mapToInt(Integer::intValue).sum());
    assertEquals(List.copyOf(new java.util.TreeSet<>(names)), names, "by host name");
  }

  private HostRdmaPorts of(String host) {
    return hostPorts.all().stream().filter(p -> p.host().equals(host)).findFirst().orElseThrow();
  }

  private static void send(String host, int version) throws Exception {
    String token = ApiClient.token("ports-" + System.nanoTime(), "agent", host);
    String report = new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8);
    String body =
        report
            .replace("corpus-host", host)
            .replace("intel_iommu=on", "intel_iommu=on hugepages=" + version);
    ApiClient.sendReport(token, body.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
  }
}
