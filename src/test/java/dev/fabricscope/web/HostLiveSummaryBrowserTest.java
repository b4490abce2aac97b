package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The host page's summary line (counts, last seen) after a live update, in real headless Chromium:
 * the QEMU rig imported, then the same host sent as an agent report without its NIC {@code
 * 07:00.0}. The expected counts come from the {@code lspci -vvv} text beside the capture, the
 * expected line from a fresh load of the page (the server's template); the page must read the new
 * state from the JSON API and never fetch its own HTML again.
 */
@QuarkusTest
class HostLiveSummaryBrowserTest extends BrowserTest {

  static final String PLAIN = "sysfs/qemu-rig-plain.tar.gz";
  static final String GONE = "0000:07:00.0";

  static String operator;

  @Override
  String screenshotPrefix() {
    return "host-live-";
  }

  @BeforeEach
  void setUp() {
    if (operator == null) {
      operator = ApiClient.token("live-summary-operator-" + System.nanoTime(), "operator", null);
    }
  }

  /**
   * "N GPUs · N NICs · N NVMe · N PCI functions" of the rig by {@code lspci -vvv}: a function per
   * line that starts with a BDF, counted by its class name, with {@code without} left out.
   */
  static String lspciCounts(String without) throws Exception {
    int pci = 0;
    int nics = 0;
    int nvme = 0;
    int gpus = 0;
    for (String line :
        Files.readAllLines(Fixtures.root().resolve("sysfs/qemu-rig-plain/lspci-vvv.txt"))) {
      // a function's first line starts with its BDF (the file also holds lspci's own warning)
      if (!line.matches("[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7] .*")) {
        continue;
      }
      if (("0000:" + line.split(" ", 2)[0]).equals(without)) {
        continue;
      }
      pci++;
      String cls = line.split(" ", 2)[1];
      nics += cls.startsWith("Ethernet controller:") ? 1 : 0;
      nvme += cls.startsWith("Non-Volatile memory controller:") ? 1 : 0;
      gpus +=
          cls.startsWith("VGA compatible controller:") || cls.startsWith("3D controller:") ? 1 : 0;
    }
    return gpus + " GPUs · " + nics + " NICs · " + nvme + " NVMe · " + pci + " PCI functions";
  }

  String summary() {
    return driver.findElement(By.cssSelector("#host-page .summary")).getText();
  }

  boolean importedTag() {
    return !driver.findElements(By.cssSelector("#host-page h1 .tag")).isEmpty();
  }

  Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  @Test
  void theSummaryFollowsALiveUpdateFromTheJsonApi() throws Exception {
    String host = "live-summary-" + System.nanoTime();
    ApiClient.importFixture(operator, PLAIN, host);
    driver.get(url("/hosts/" + host));
    waiting()
        .until(
            d ->
                "ready".equals(d.findElement(By.id("fabric")).getAttribute("data-state"))
                    && "open".equals(d.findElement(By.id("host-page")).getAttribute("data-live")));
    String before = summary();
    assertTrue(before.contains(lspciCounts(null) + " · last seen "), before);
    assertTrue(importedTag(), "imported before");

    // From here on, every request the page makes: fetch calls with their Accept header, and the
    // browser's own resource timing entries (which also see XMLHttpRequest and EventSource).
    js(
        "window.requested = [];"
            + " const f = window.fetch;"
            + " window.fetch = function (input, init) {"
            + "   const req = new Request(input, init);"
            + "   window.requested.push({ url: req.url, accept: req.headers.get('Accept') });"
            + "   return f.apply(this, arguments);"
            + " };"
            + " performance.setResourceTimingBufferSize(100000);"
            + " performance.clearResourceTimings();");

    // The next snapshot comes from the agent (not an import) and lacks a NIC.
    byte[] next = reportWithout(operator, host, GONE);
    int snapshot =
        ApiClient.sendReport(ApiClient.ADMIN, next)
            .then()
            .statusCode(201)
            .extract()
            .path("snapshotId");
    waiting()
        .until(
            d ->
                String.valueOf(snapshot)
                    .equals(d.findElement(By.id("host-page")).getAttribute("data-live-snapshot")));

    String live = summary();
    assertTrue(live.contains(lspciCounts(GONE) + " · last seen "), live);
    assertTrue(live.matches(".* · last seen \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC"), live);
    assertFalse(importedTag(), "an agent's report: no longer marked imported");

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> fetched = (List<Map<String, Object>>) js("return window.requested;");
    String api = url("/api/v1/hosts/" + host);
    assertTrue(
        fetched.stream().anyMatch(r -> api.equals(r.get("url"))),
        "the host's JSON was read: " + fetched);
    for (Map<String, Object> r : fetched) {
      assertTrue(String.valueOf(r.get("url")).contains("/api/v1/"), "only the API: " + r);
      assertFalse(String.valueOf(r.get("accept")).contains("text/html"), "no HTML asked: " + r);
    }
    @SuppressWarnings("unchecked")
    List<String> resources =
        (List<String>)
            js(
                "return performance.getEntriesByType('resource')"
                    + ".map(e => new URL(e.name).pathname);");
    assertFalse(resources.isEmpty(), "the update made requests");
    assertFalse(
        resources.stream().anyMatch(p -> p.equals("/hosts/" + host)),
        "the page was not fetched again: " + resources);
    BrowserSupport.screenshot(driver, "host-live-summary-updated");

    // A fresh load renders the same line on the server.
    driver.navigate().refresh();
    assertEquals(live, summary());
    assertFalse(importedTag());
  }
}
