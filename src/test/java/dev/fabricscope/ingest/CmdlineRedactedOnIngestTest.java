package dev.fabricscope.ingest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The server redacts the kernel command line of every report it reads, as the agent does since the
 * fifteenth security review: an older agent's report (or imported report JSON) carried an iSCSI
 * password and a provisioning token to every viewer. The fabric's parameters keep their values.
 */
@QuarkusTest
class CmdlineRedactedOnIngestTest {

  static final String SECRET_LINE =
      "BOOT_IMAGE=/vmlinuz root=/dev/sda1 netroot=iscsi:chapuser:S3cr3tCHAPpass@10.0.0.1::::iqn"
          + " ignition.config.url=http://10.0.0.2/ign?token=abcdef intel_iommu=on iommu=pt"
          + " pci=realloc quiet";

  static String cmdline(String line) throws Exception {
    String host = BandwidthClient.hostName("cmdline");
    String agent = ApiClient.token(BandwidthClient.hostName("cmdline-agent"), "agent", host);
    String report =
        new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8)
            .replace("corpus-host", host)
            .replaceFirst(
                "\"kernelCommandLine\":\"[^\"]*\"",
                "\"kernelCommandLine\":\""
                    + line.replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\"");
    ApiClient.sendReport(agent, report.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
    return given() // anonymous reads are on in tests: what any reader gets
        .get("/api/v1/hosts/" + host + "/topology")
        .then()
        .statusCode(200)
        .extract()
        .path("host.kernelCommandLine");
  }

  @Test
  void anOlderAgentsSecretsAreNotStored() throws Exception {
    assertEquals(
        "BOOT_IMAGE=<redacted> root=<redacted> netroot=<redacted> ignition.config.url=<redacted>"
            + " intel_iommu=on iommu=pt pci=realloc quiet",
        cmdline(SECRET_LINE));
  }

  /** Generated lines with a secret value among fabric parameters: the secret is never stored. */
  @Test
  void generatedLinesNeverKeepTheSecret() throws Exception {
    Random random = new Random(1515);
    String[] kept = {"intel_iommu=on", "iommu=pt", "pci=noacs", "hugepages=16", "quiet"};
    for (int t = 0; t < 5; t++) {
      String secret = "s" + Long.toHexString(random.nextLong());
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        line.append(kept[random.nextInt(kept.length)]).append(' ');
      }
      String name = random.nextBoolean() ? "netroot" : "rd.auth." + t;
      line.insert(0, name + "=" + secret + " ");
      String stored = cmdline(line.toString().strip());
      assertFalse(stored.contains(secret), stored);
      assertEquals(
          line.toString().strip().replace(name + "=" + secret, name + "=<redacted>"), stored);
    }
  }
}
