package dev.fabricscope.fabric;

import static io.restassured.RestAssured.given;

import dev.fabricscope.oracle.FabricArchives;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The PlaFRIM2 cluster archive ({@code fixtures/fabric/plafrim2.txz}) extracted once with {@code
 * tar}: a few of its per-node hwloc XMLs and the node GUIDs its netloc discovery lists on the
 * {@code fe80:0000:0000:0000} subnet.
 */
public final class FabricFixture {

  /** The subnet the hosts below sit on, per {@code netloc/IB-fe80:0000:0000:0000-nodes.txt}. */
  public static final String PREFIX = "fe80:0000:0000:0000";

  /** Hosts of that subnet (their hwloc XMLs are in the archive). */
  public static final List<String> HOSTS = List.of("miriel044", "miriel045", "miriel046");

  private static Path dir;

  private FabricFixture() {}

  /** The extracted {@code plafrim2/} folder. */
  public static synchronized Path dir() throws IOException, InterruptedException {
    if (dir == null) {
      Path tmp = Files.createTempDirectory("fabric-plafrim2");
      // kept for every test of the run, removed when the test JVM ends
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> ArchiveExtractor.deleteTree(tmp), "fixture-cleanup"));
      dir = FabricArchives.extract("plafrim2", tmp);
    }
    return dir;
  }

  /** The CA node GUIDs the netloc discovery lists for these hosts on {@link #PREFIX}. */
  public static Set<String> discoveredGuids(List<String> hosts) throws Exception {
    Set<String> out = new TreeSet<>();
    for (FabricArchives.NetlocNode n :
        FabricArchives.netlocNodes(dir().resolve("netloc/IB-" + PREFIX + "-nodes.txt")).nodes()) {
      if (n.ca() && hosts.contains(n.host())) {
        out.add(n.guid());
      }
    }
    return out;
  }

  /** Imports the hosts' hwloc XMLs through the API. */
  public static void importHosts(String operatorToken) throws Exception {
    for (String h : HOSTS) {
      given()
          .auth()
          .oauth2(operatorToken)
          .contentType("application/octet-stream")
          .queryParam("host", h)
          .body(Files.readAllBytes(dir().resolve("hwloc/" + h + ".xml")))
          .post("/api/v1/imports")
          .then()
          .statusCode(201);
    }
  }
}
