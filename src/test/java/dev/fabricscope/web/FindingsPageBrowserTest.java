package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.DowntrainedHost;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The findings page (grouped by rule, filtered, linking to the host with the devices preselected)
 * and a host page that selects its pair from the URL, in real headless Chromium, on a synthetic
 * host with a downtrained GPU link. Every test saves a screenshot and fails on any console error.
 */
@QuarkusTest
class FindingsPageBrowserTest extends BrowserTest {

  static final String FINDINGS_HOST = "findings-page-host";

  static String operator;
  static String victim;

  @Override
  String screenshotPrefix() {
    return "pages-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("findings-operator-" + System.nanoTime(), "operator", null);
    }
  }

  @Test
  void theFindingsPageGroupsByRuleAndLinksToTheHostWithTheDevice() throws Exception {
    importDowntrainedHost();
    driver.get(url("/findings"));
    assertEquals("fabricscope — findings", driver.getTitle());
    WebElement section =
        driver.findElement(By.cssSelector("section[data-rule='DOWNTRAINED_LINK']"));
    assertTrue(
        section.getAttribute("class").contains("sev-warning"), section.getAttribute("class"));
    assertTrue(section.getText().contains("trained narrower"), section.getText());
    List<WebElement> rows =
        section.findElements(By.cssSelector("tr[data-host='" + FINDINGS_HOST + "']"));
    assertEquals(1, rows.size());
    assertTrue(rows.get(0).getText().contains(victim), rows.get(0).getText());
    // the section's count equals its rows, and the nav link is there
    int count = section.findElements(By.cssSelector("tbody tr")).size();
    assertTrue(section.findElement(By.cssSelector("h2 .badge")).getText().equals("" + count));
    assertFalse(driver.findElements(By.cssSelector("header nav a[href='/findings']")).isEmpty());

    // filters: by host and severity through the form (query parameters)
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("severity-filter")))
        .selectByValue("warning");
    WebElement host = driver.findElement(By.id("host-filter"));
    host.clear();
    host.sendKeys(FINDINGS_HOST);
    driver.findElement(By.id("findings-submit")).click();
    waiting().until(ExpectedConditions.urlContains("severity=warning"));
    assertTrue(driver.getCurrentUrl().contains("host=" + FINDINGS_HOST));
    for (WebElement r : driver.findElements(By.cssSelector("tr[data-host]"))) {
      assertEquals(FINDINGS_HOST, r.getAttribute("data-host"));
      assertEquals("warning", r.getAttribute("data-severity"));
    }
    assertFalse(
        driver.findElements(By.cssSelector("section[data-rule='DOWNTRAINED_LINK']")).isEmpty());
    BrowserSupport.screenshot(driver, "pages-findings-filtered");

    driver.get(url("/findings?severity=critical&host=" + FINDINGS_HOST));
    assertTrue(
        driver.findElements(By.cssSelector("section[data-rule='DOWNTRAINED_LINK']")).isEmpty());

    // the link opens the host page with the device preselected
    driver.get(url("/findings?host=" + FINDINGS_HOST));
    driver
        .findElement(
            By.cssSelector(
                "section[data-rule='DOWNTRAINED_LINK'] tr[data-host='"
                    + FINDINGS_HOST
                    + "'] a.host-link"))
        .click();
    waiting().until(ExpectedConditions.urlContains("/hosts/" + FINDINGS_HOST));
    assertTrue(
        driver.getCurrentUrl().contains("a=" + victim.replace(":", "%3A")), driver.getCurrentUrl());
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-state", "ready"));
    waiting().until(ExpectedConditions.attributeToBe(By.id("sel-a"), "value", victim));
    Boolean picked =
        (Boolean)
            ((JavascriptExecutor) driver)
                .executeScript(
                    "return window.fabricscope.cy.getElementById(arguments[0]).hasClass('picked');",
                    victim);
    assertEquals(Boolean.TRUE, picked);
  }

  @Test
  void theHostPageSelectsAPairFromTheUrl() throws Exception {
    importDowntrainedHost();
    List<String> gpus = new ArrayList<>();
    for (PciFunction f : SyntheticHosts.nestedSwitches(FINDINGS_HOST, 6).pci()) {
      if (f.kind() == DeviceKind.GPU) {
        gpus.add(f.bdf());
      }
    }
    assertTrue(gpus.size() >= 2);
    driver.get(url("/hosts/" + FINDINGS_HOST + "?a=" + gpus.get(0) + "&b=" + gpus.get(1)));
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.id("fabric"), "data-pair", gpus.get(0) + "|" + gpus.get(1)));
    assertFalse(driver.findElement(By.id("v-kernel")).getText().isBlank());
  }

  static synchronized void importDowntrainedHost() throws Exception {
    if (victim != null) {
      return;
    }
    DowntrainedHost host = DowntrainedHost.named(FINDINGS_HOST);
    Report r = host.report();
    String v = host.gpu();
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body(ReportJson.write(r).getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
    victim = v;
  }
}
