package dev.fabricscope.web;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The life cycle every browser test class shares: one headless Chromium per class (skipped only
 * where Debian's chromium or chromedriver is missing), a screenshot after each test under {@code
 * target/screenshots/}, and a failure on any console error.
 */
abstract class BrowserTest {

  static ChromeDriver driver;

  @TestHTTPResource("/")
  URL base;

  /** Screenshot file names start with this. */
  abstract String screenshotPrefix();

  @BeforeEach
  void startBrowser() throws Exception {
    BrowserSupport.assumeBrowser();
    if (driver == null) {
      driver = BrowserSupport.start();
    }
  }

  @AfterEach
  void screenshotAndConsole(TestInfo info) throws Exception {
    if (driver == null) {
      return;
    }
    BrowserSupport.screenshot(
        driver, screenshotPrefix() + info.getTestMethod().orElseThrow().getName());
    BrowserSupport.assertNoConsoleErrors(driver);
  }

  @AfterAll
  static void quit() throws Exception {
    if (driver != null) {
      BrowserSupport.stop(driver);
      driver = null;
    }
  }

  /** Imports a fixture file as a host through the API, with an operator token. */
  static void importFile(String operator, String fixture, String host) throws Exception {
    ApiClient.importFixture(operator, fixture, host);
  }

  /**
   * The host's latest report JSON (as the export gives it) without the function {@code bdf} and
   * whatever names it: the next report of a host that lost a device.
   */
  static byte[] reportWithout(String token, String host, String bdf) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = latestReport(token, host);
    for (var field : root.properties()) {
      if (field.getValue().isArray()) {
        var it = field.getValue().elements();
        while (it.hasNext()) {
          var e = it.next();
          if (bdf.equals(e.path("bdf").asText()) || bdf.equals(e.path("pciFunction").asText())) {
            it.remove();
          }
        }
      }
    }
    return json.writeValueAsBytes(root);
  }

  /** The host's latest report JSON, as the export gives it. */
  static ObjectNode latestReport(String token, String host) throws Exception {
    String report =
        given()
            .auth()
            .oauth2(token)
            .queryParam("format", "report")
            .get("/api/v1/hosts/" + host + "/export")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    return (ObjectNode) new ObjectMapper().readTree(report);
  }

  String url(String path) {
    String b = base.toString();
    return (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path;
  }

  WebDriverWait waiting() {
    return new WebDriverWait(driver, Duration.ofSeconds(20));
  }

  /** Waits until the host page's graph is laid out and drawn. */
  void waitForGraph() {
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-state", "ready"));
  }

  /** As {@link #waitForGraph()}, failing at once when the page shows its load error instead. */
  void waitGraphReady() {
    waiting()
        .until(
            d -> {
              List<WebElement> err = d.findElements(By.id("load-error"));
              if (!err.isEmpty() && err.get(0).isDisplayed()) {
                throw new AssertionError("page error: " + err.get(0).getText());
              }
              return "ready".equals(d.findElement(By.id("fabric")).getAttribute("data-state"));
            });
  }

  /** Runs {@code js} in the page; it returns a list of strings. */
  @SuppressWarnings("unchecked")
  List<String> script(String js) {
    return (List<String>) ((JavascriptExecutor) driver).executeScript(js);
  }
}
