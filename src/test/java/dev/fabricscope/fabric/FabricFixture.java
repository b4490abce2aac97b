package dev.fabricscope.fabric;

import static io.restassured.RestAssured.given;

import dev.fabricscope.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
      Path archive = Fixtures.root().resolve("fabric/plafrim2.txz");
      Process p =
          new ProcessBuilder("tar", "-xJf", archive.toString(), "-C", tmp.toString())
              .redirectErrorStream(true)
              .start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException("tar " + archive + ": " + log);
      }
      dir = tmp.resolve("plafrim2");
    }
    return dir;
  }

  /** The CA node GUIDs the netloc discovery lists for these hosts on {@link #PREFIX}. */
  public static Set<String> discoveredGuids(List<String> hosts) throws Exception {
    List<String> lines =
        Files.readAllLines(
            dir().resolve("netloc/IB-" + PREFIX + "-nodes.txt"), StandardCharsets.ISO_8859_1);
    int n = Integer.parseInt(lines.get(3).trim());
    Set<String> out = new TreeSet<>();
    for (String line : lines.subList(4, 4 + n)) {
      String[] f = line.split(",");
      if (f[2].trim().equals("0") && hosts.contains(f[f.length - 1].trim())) {
        out.add(f[0].trim().toLowerCase(Locale.ROOT));
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
