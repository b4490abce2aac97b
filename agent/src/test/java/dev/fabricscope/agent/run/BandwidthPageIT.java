package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.web.BrowserSupport;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 10, acceptance 1 in a browser: the server and the agent built from this tree on loopback;
 * an operator starts a host-memcpy test from the host page's Bandwidth tab, the agent's C helper
 * measures it, the server stores it with its verdict and the page shows it live, in the history and
 * on the chart (measured against expected).
 */
class BandwidthPageIT {

  @TempDir Path tmp;
  final EndToEndIT stack = new EndToEndIT();

  @Test
  void aHostCopyStartedInThePageIsMeasuredStoredAndDrawn() throws Exception {
    BrowserSupport.assumeBrowser();
    stack.tmp = tmp;
    Path serverJar =
        Path.of(
            System.getProperty("fabricscope.serverJar", "../target/quarkus-app/quarkus-run.jar"));
    assertTrue(Files.exists(serverJar), serverJar + " missing: run `mvn -B verify` at the root");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    ChromeDriver browser = null;
    try (var tree =
        EndToEndIT.withHostName(
            ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-plain.tar.gz")))) {
      stack.start(
          List.of(
              EndToEndIT.java(),
              "-Xmx512m",
              "-Dquarkus.http.port=" + port,
              "-Dfabricscope.data-dir=" + stack.tmp.resolve("data"),
              "-Dfabricscope.admin-token=" + EndToEndIT.ADMIN,
              "-Dfabricscope.auth.anonymous-read=true",
              "-Dfabricscope.demo.seed=false",
              "-jar",
              serverJar.toString()),
          "server.log");
      stack.await("server ready", () -> stack.status(url + "/q/health/ready", null) == 200, 90);
      String token =
          stack
              .post(
                  url + "/api/v1/tokens",
                  EndToEndIT.ADMIN,
                  "{\"name\":\"page\",\"role\":\"agent\",\"host\":\"rigvm\"}")
              .get("secret")
              .asText();
      Path tokenFile = Files.writeString(stack.tmp.resolve("token"), token);
      stack.agent(url, tokenFile, tree.root(), "agent.log");
      stack.await(
          "the agent's helpers",
          () ->
              stack.status(url + "/api/v1/agents/rigvm/capabilities", EndToEndIT.ADMIN) == 200
                  && stack.status(url + "/api/v1/hosts/rigvm", null) == 200,
          60);

      browser = BrowserSupport.start();
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
      browser.get(url + "/hosts/rigvm");
      browser.findElement(By.id("tab-bandwidth")).click();
      wait.until(d -> "true".equals(d.findElement(By.id("bw-form")).getDomAttribute("data-ready")));
      assertEquals("host-memcpy", browser.findElement(By.id("bw-kind")).getDomProperty("value"));
      set(browser, "bw-size", "16M");
      set(browser, "bw-repeat", "5");
      set(browser, "bw-token", EndToEndIT.ADMIN);

      browser.findElement(By.id("bw-start")).click();
      wait.until(
          d -> "measured".equals(d.findElement(By.id("bw-status")).getDomAttribute("data-state")));
      String status = browser.findElement(By.id("bw-status")).getText();
      assertTrue(status.contains("GB/s measured"), status);
      wait.until(d -> "1".equals(d.findElement(By.id("bw-history")).getDomAttribute("data-count")));

      // the second run is judged against the first: a verdict, an expected value, two points
      browser.findElement(By.id("bw-start")).click();
      wait.until(
          d ->
              List.of("passed", "warned", "failed")
                  .contains(d.findElement(By.id("bw-status")).getDomAttribute("data-state")));
      wait.until(d -> "2".equals(d.findElement(By.id("bw-history")).getDomAttribute("data-count")));
      List<WebElement> rows = browser.findElements(By.cssSelector("#bw-history tbody tr"));
      assertEquals(2, rows.size());
      List<WebElement> newest = rows.get(0).findElements(By.tagName("td"));
      assertEquals("host-memcpy", newest.get(1).getText());
      assertTrue(Double.parseDouble(newest.get(3).getText()) > 0, newest.get(3).getText());
      assertTrue(Double.parseDouble(newest.get(4).getText()) > 0, newest.get(4).getText());
      assertTrue(
          List.of("passed", "warned", "failed").contains(newest.get(5).getText()),
          newest.get(5).getText());
      assertEquals("measured", rows.get(1).findElements(By.tagName("td")).get(5).getText());
      wait.until(d -> "2".equals(d.findElement(By.id("bw-chart")).getDomAttribute("data-points")));
      BrowserSupport.screenshot(browser, "bandwidth-tab");
      BrowserSupport.assertNoConsoleErrors(browser);
    } finally {
      if (browser != null) {
        BrowserSupport.stop(browser);
      }
      stack.processes.forEach(Process::destroyForcibly);
    }
  }

  private static void set(ChromeDriver b, String id, String value) {
    WebElement e = b.findElement(By.id(id));
    e.clear();
    e.sendKeys(value);
  }
}
