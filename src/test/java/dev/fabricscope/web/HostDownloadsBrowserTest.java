package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.Tool;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.w3c.dom.Document;

/**
 * The host page's downloads, clicked in headless Chromium: the files arrive under the names the
 * server gives them (Content-Disposition), the report JSON parses, the NCCL XML parses as NCCL's
 * {@code <system>}, and the hwloc XML loads in the real hwloc ({@code hwloc-info --input}) with as
 * many PCI devices as hwloc itself reads from the original file (LLNL Corona's lstopo export).
 */
@QuarkusTest
class HostDownloadsBrowserTest extends BrowserTest {

  static final String HOST = "downloads-corona";
  static final String FIXTURE = "hwloc-xml/llnl-corona.xml";

  @Override
  String screenshotPrefix() {
    return "host-downloads-";
  }

  @Test
  void downloadsArriveNamedAndLoadInTheirTools() throws Exception {
    String operator = ApiClient.token("downloads-" + System.nanoTime(), "operator", null);
    importFile(operator, FIXTURE, HOST);
    Path dir = Files.createTempDirectory("fabricscope-downloads");
    try {
      driver.executeCdpCommand(
          "Browser.setDownloadBehavior",
          Map.of("behavior", "allow", "downloadPath", dir.toAbsolutePath().toString()));
      driver.get(url("/hosts/" + HOST));
      for (String id : List.of("dl-report", "dl-hwloc", "dl-nccl")) {
        driver.findElement(By.id(id)).click();
      }
      Path report = dir.resolve(HOST + "-report.json");
      Path hwloc = dir.resolve(HOST + ".xml");
      Path nccl = dir.resolve(HOST + "-nccl-topo.xml");
      new WebDriverWait(driver, Duration.ofSeconds(20))
          .until(
              d ->
                  Files.isRegularFile(report)
                      && Files.isRegularFile(hwloc)
                      && Files.isRegularFile(nccl));

      JsonNode json = new ObjectMapper().readTree(Files.readString(report));
      assertEquals(HOST, json.path("host").path("name").asText(), json.path("host").toString());

      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(nccl.toFile());
      assertEquals("system", doc.getDocumentElement().getTagName());

      int original = pciDevices(Fixtures.root().resolve(FIXTURE));
      assertEquals(original, pciDevices(hwloc), "PCI devices hwloc reads from our export");
      Tool.Result lstopo =
          Tool.run(
              List.of("lstopo-no-graphics", "-i", hwloc.toString(), "--of", "console"),
              null,
              Map.of(),
              new byte[0],
              "apt-get install hwloc-nox");
      assertEquals(0, lstopo.exitCode(), lstopo.output());
    } finally {
      dev.fabricscope.sysfs.ArchiveExtractor.deleteTree(dir);
    }
  }

  /** The PCIDev count {@code hwloc-info --input FILE} prints (it exits non-zero on a bad file). */
  static int pciDevices(Path xml) throws Exception {
    Tool.Result r =
        Tool.run(
            List.of("hwloc-info", "--input", xml.toString()),
            null,
            Map.of(),
            new byte[0],
            "apt-get install hwloc-nox");
    assertEquals(0, r.exitCode(), r.output());
    Matcher m = Pattern.compile("(\\d+) PCIDev").matcher(r.output());
    assertTrue(m.find(), r.output());
    return Integer.parseInt(m.group(1));
  }
}
