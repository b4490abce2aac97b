package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.fabric.FabricFixture;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The RDMA fabric page in headless Chromium with real PlaFRIM2 hwloc XMLs imported: the subnet of
 * the cluster's discovery is shown with its hosts, their adapters' node GUIDs, and links to the
 * host pages. Saves a screenshot and fails on any console error.
 */
@QuarkusTest
class FabricPageBrowserTest {

  @TestHTTPResource("/")
  URL base;

  String url(String path) {
    String b = base.toString();
    return (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path;
  }

  @Test
  void fabricPageShowsTheSubnetAndItsHosts() throws Exception {
    BrowserSupport.assumeBrowser();
    String operator =
        ApiClient.token("fabric-browser-operator-" + System.nanoTime(), "operator", null);
    FabricFixture.importHosts(operator);
    ChromeDriver driver = BrowserSupport.start();
    try {
      driver.get(url("/fabric"));
      assertEquals("fabricscope — RDMA fabric", driver.getTitle());
      WebElement section =
          driver.findElement(
              By.cssSelector("section[data-subnet='ib:" + FabricFixture.PREFIX + "']"));
      assertTrue(section.getText().contains("InfiniBand"), section.getText());
      assertTrue(section.getText().contains(FabricFixture.PREFIX), section.getText());
      Set<String> guids = new TreeSet<>();
      for (String h : FabricFixture.HOSTS) {
        List<WebElement> rows = section.findElements(By.cssSelector("tr[data-host='" + h + "']"));
        assertFalse(rows.isEmpty(), h + " listed in the subnet");
        for (WebElement r : rows) {
          guids.add(r.getDomAttribute("data-guid").toLowerCase());
          assertTrue(r.getText().contains("ACTIVE"), r.getText());
        }
      }
      assertEquals(FabricFixture.discoveredGuids(FabricFixture.HOSTS), guids);
      BrowserSupport.screenshot(driver, "fabric-page");
      BrowserSupport.assertNoConsoleErrors(driver);

      // the fleet page links here, and a host link opens the host page
      driver.get(url("/"));
      driver.findElement(By.cssSelector("nav a[href='/fabric']")).click();
      new WebDriverWait(driver, Duration.ofSeconds(20))
          .until(ExpectedConditions.urlContains("/fabric"));
      String host = FabricFixture.HOSTS.get(0);
      driver
          .findElement(
              By.cssSelector(
                  "section[data-subnet='ib:"
                      + FabricFixture.PREFIX
                      + "'] tr[data-host='"
                      + host
                      + "'] a"))
          .click();
      new WebDriverWait(driver, Duration.ofSeconds(20))
          .until(ExpectedConditions.urlContains("/hosts/" + host));
      BrowserSupport.assertNoConsoleErrors(driver);

      // "test from here" opens that host's Bandwidth tab with the port as an RDMA source
      driver.get(url("/fabric"));
      WebElement row =
          driver.findElement(
              By.cssSelector(
                  "section[data-subnet='ib:"
                      + FabricFixture.PREFIX
                      + "'] tr[data-host='"
                      + host
                      + "']"));
      String device = row.findElements(By.tagName("td")).get(1).getText();
      String port = row.findElements(By.tagName("td")).get(2).getText();
      row.findElement(By.cssSelector("a.bw-link")).click();
      WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
      wait.until(
          d ->
              "true"
                  .equals(d.findElement(By.id("tab-bandwidth")).getDomAttribute("aria-selected")));
      wait.until(d -> "true".equals(d.findElement(By.id("bw-form")).getDomAttribute("data-ready")));
      assertEquals("rdma-write", driver.findElement(By.id("bw-kind")).getDomProperty("value"));
      assertEquals(
          "rdma:" + device + ":" + port,
          driver.findElement(By.id("bw-source")).getDomProperty("value"));
      assertEquals(host, driver.findElement(By.id("bw-target-host")).getDomProperty("value"));
      BrowserSupport.assertNoConsoleErrors(driver);
    } finally {
      BrowserSupport.stop(driver);
    }
  }
}
