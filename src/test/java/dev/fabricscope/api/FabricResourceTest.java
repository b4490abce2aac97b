package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.fabric.FabricFixture;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/fabric} over real PlaFRIM2 hwloc XMLs imported through the API: the hosts land
 * in the InfiniBand subnet the cluster's own netloc discovery puts their adapters in.
 */
@QuarkusTest
class FabricResourceTest {

  @Test
  void importedClusterNodesAreGroupedIntoTheirSubnet() throws Exception {
    String operator = ApiClient.token("fabric-operator-" + System.nanoTime(), "operator", null);
    FabricFixture.importHosts(operator);
    String viewer = ApiClient.token("fabric-viewer-" + System.nanoTime(), "viewer", null);

    JsonPath body =
        given()
            .auth()
            .oauth2(viewer)
            .get("/api/v1/fabric")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<Map<String, Object>> subnets = body.getList("$");
    Map<String, Object> subnet =
        subnets.stream()
            .filter(s -> ("ib:" + FabricFixture.PREFIX).equals(s.get("id")))
            .findFirst()
            .orElse(null);
    assertNotNull(subnet, "subnet " + FabricFixture.PREFIX + " in " + subnets);
    assertEquals("InfiniBand", subnet.get("linkLayer"));
    @SuppressWarnings("unchecked")
    List<String> hosts = (List<String>) subnet.get("hosts");
    assertTrue(hosts.containsAll(FabricFixture.HOSTS), hosts.toString());

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> ports = (List<Map<String, Object>>) subnet.get("ports");
    Set<String> ours = new TreeSet<>();
    for (Map<String, Object> p : ports) {
      if (FabricFixture.HOSTS.contains(p.get("host"))) {
        ours.add(((String) p.get("nodeGuid")).toLowerCase());
        assertEquals("ACTIVE", p.get("state"), p.toString());
        assertNotNull(p.get("lid"), p.toString());
      }
    }
    Set<String> expected = FabricFixture.discoveredGuids(FabricFixture.HOSTS);
    assertFalse(expected.isEmpty());
    assertEquals(expected, ours);
    // no imported host sits in another subnet
    for (Map<String, Object> s : subnets) {
      if (s != subnet) {
        @SuppressWarnings("unchecked")
        List<String> other = (List<String>) s.get("hosts");
        for (String h : FabricFixture.HOSTS) {
          assertFalse(other.contains(h), h + " also in " + s.get("id"));
        }
      }
    }
  }

  @Test
  void readableAnonymouslyInLocalDemoModeButNotWithABadToken() {
    given().get("/api/v1/fabric").then().statusCode(200);
    given().auth().oauth2("fsk_not-a-token").get("/api/v1/fabric").then().statusCode(401);
  }
}
