package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the history page and the host page's live updates show of a link that trains down and of a
 * function that disappears, in real headless Chromium: the QEMU rig capture imported, then its own
 * report changed and imported again as newer snapshots of the same host.
 */
@QuarkusTest
class HistoryChangesPageTest extends BrowserTest {

  static final String PLAIN = HistoryPageTest.PLAIN;

  static String operator;

  @Override
  String screenshotPrefix() {
    return "history-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("history-changes-op-" + System.nanoTime(), "operator", null);
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
  static final String LINKED = "0000:07:00.0";

  /**
   * The host's latest report JSON with the link of {@link #LINKED} set to x4 capable, xWIDTH now.
   */
  static byte[] withLinkWidth(String host, int width) throws Exception {
    ObjectNode root = latestReport(operator, host);
    for (var f : root.withArray("pci")) {
      if (LINKED.equals(f.path("bdf").asText())) {
        ObjectNode link = (ObjectNode) f.get("link");
        ((ObjectNode) link.get("max")).put("width", 4);
        ((ObjectNode) link.get("current")).put("width", width);
        if (link.hasNonNull("upstream") && link.get("upstream").hasNonNull("max")) {
          ((ObjectNode) link.get("upstream").get("max")).put("width", 4);
        }
        return JSON.writeValueAsBytes(root);
      }
    }
    throw new AssertionError("no " + LINKED + " in the report of " + host);
  }

  static void importBytes(byte[] body, String host) {
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .queryParam("host", host)
        .body(body)
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
  }

  @Test
  void aDowntrainedLinkShowsLiveAndInTheHistory() throws Exception {
    String host = "link-rig-" + System.nanoTime();
    importFile(operator, PLAIN, host);
    importBytes(withLinkWidth(host, 4), host);
    driver.get(url("/hosts/" + host));
    waitGraphReady();
    waiting()
        .until(d -> "open".equals(d.findElement(By.id("host-page")).getAttribute("data-live")));

    importBytes(withLinkWidth(host, 2), host);

    WebElement banner =
        new WebDriverWait(driver, Duration.ofSeconds(10))
            .until(
                d -> {
                  List<WebElement> b = d.findElements(By.id("live-banner"));
                  return b.isEmpty() || !b.get(0).isDisplayed() ? null : b.get(0);
                });
    WebElement li = banner.findElement(By.cssSelector("li[data-kind=LINK_CHANGED]"));
    assertEquals(LINKED, li.getAttribute("data-device"));
    assertTrue(li.getText().startsWith("link " + LINKED + " "), li.getText());
    assertTrue(li.getText().contains("x4 → "), li.getText());
    assertTrue(li.getText().endsWith("x2 (downtrained)"), li.getText());
    waitGraphReady();
    waiting()
        .until(
            d ->
                script(
                        "return window.fabricscope.cy.edges('.downtrained').map(e => e.target().id());")
                    .contains(LINKED));
    BrowserSupport.screenshot(driver, "history-live-downtrained-banner");

    // The history of the three snapshots: the newest two compared by default, the link drawn.
    driver.get(url("/hosts/" + host + "/history"));
    assertEquals(3, driver.findElements(By.cssSelector("#timeline tr[data-snapshot]")).size());
    waitGraphReady();
    List<WebElement> links =
        driver.findElements(By.cssSelector("#changes li[data-kind=LINK_CHANGED]"));
    assertEquals(1, links.size());
    assertEquals(LINKED, links.get(0).getAttribute("data-device"));
    assertTrue(links.get(0).getText().contains("(downtrained)"), links.get(0).getText());
    assertTrue(
        script("return window.fabricscope.cy.nodes('.d-changed').map(n => n.id());")
            .contains(LINKED));
    assertTrue(
        script("return window.fabricscope.cy.edges('.d-changed').map(e => e.target().id());")
            .contains(LINKED));

    // A newer snapshot while the history is open: the page says so.
    waiting()
        .until(d -> "open".equals(d.findElement(By.id("history-page")).getAttribute("data-live")));
    importBytes(withLinkWidth(host, 1), host);
    WebElement newer =
        new WebDriverWait(driver, Duration.ofSeconds(10))
            .until(d -> d.findElements(By.id("live-banner")).stream().findFirst().orElse(null));
    assertTrue(newer.getText().contains("New snapshot"), newer.getText());
  }

  @Test
  void removedAndAddedFunctionsAreDrawn() throws Exception {
    String host = "removal-rig-" + System.nanoTime();
    String gone = "0000:07:00.0";
    importFile(operator, PLAIN, host);
    importBytes(reportWithout(operator, host, gone), host);
    driver.get(url("/hosts/" + host + "/history"));
    waitGraphReady();
    List<WebElement> removed =
        driver.findElements(By.cssSelector("#changes li[data-kind=FUNCTION_REMOVED]"));
    assertEquals(List.of(gone), removed.stream().map(e -> e.getAttribute("data-device")).toList());
    // Drawn from the older snapshot, in red.
    assertEquals(
        List.of(gone),
        script("return window.fabricscope.cy.nodes('.d-removed').map(n => n.id());"));
    BrowserSupport.screenshot(driver, "history-removed");

    // Reversed (older as To): the function appears, in green.
    List<WebElement> rows = driver.findElements(By.cssSelector("#timeline tr[data-snapshot]"));
    rows.get(1).findElement(By.cssSelector("input[name=to]")).click();
    rows.get(0).findElement(By.cssSelector("input[name=from]")).click();
    waiting()
        .until(
            d ->
                !d.findElements(By.cssSelector("#changes li[data-kind=FUNCTION_ADDED]")).isEmpty());
    waitGraphReady();
    assertTrue(
        script("return window.fabricscope.cy.nodes('.d-added').map(n => n.id());").contains(gone));
    assertTrue(
        script("return window.fabricscope.cy.nodes('.d-removed').map(n => n.id());").isEmpty());
  }
}
