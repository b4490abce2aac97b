package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The history page and the host page's live updates in real headless Chromium: the QEMU rig
 * captured without and with the IOMMU (ACS enabled on the root ports) imported as two snapshots of
 * one host. The expected ACS changes come from the {@code lspci -vvv} text beside each capture
 * (ports whose ACSCtl line differs), not from the server. Every test saves a screenshot and fails
 * on any console error.
 */
@QuarkusTest
class HistoryPageTest extends BrowserTest {

  static final String PLAIN = "sysfs/qemu-rig-plain.tar.gz";
  static final String IOMMU = "sysfs/qemu-rig-iommu.tar.gz";
  static final String HISTORY_HOST = "history-rig";

  static String operator;

  @Override
  String screenshotPrefix() {
    return "history-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("history-operator-" + System.nanoTime(), "operator", null);
      importFile(operator, PLAIN, HISTORY_HOST);
      importFile(operator, IOMMU, HISTORY_HOST);
    }
  }

  /** BDF → ACSCtl bits of every function with an ACS capability in an {@code lspci -vvv} text. */
  static Map<String, String> acsControl(Path lspciVvv) throws IOException {
    Map<String, String> out = new HashMap<>();
    String bdf = null;
    for (String line : Files.readAllLines(lspciVvv)) {
      if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
        String first = line.split(" ", 2)[0];
        bdf = first.chars().filter(c -> c == ':').count() == 1 ? "0000:" + first : first;
      } else if (bdf != null && line.strip().startsWith("ACSCtl:")) {
        out.put(bdf, line.strip().substring("ACSCtl:".length()).strip());
      }
    }
    return out;
  }

  /** Ports whose ACS control differs between the two captures. */
  static Set<String> expectedAcsChanges() throws IOException {
    Path sysfs = Fixtures.root().resolve("sysfs");
    Map<String, String> before = acsControl(sysfs.resolve("qemu-rig-plain/lspci-vvv.txt"));
    Map<String, String> after = acsControl(sysfs.resolve("qemu-rig-iommu/lspci-vvv.txt"));
    Set<String> changed = new TreeSet<>();
    for (String bdf : before.keySet()) {
      if (after.containsKey(bdf) && !before.get(bdf).equals(after.get(bdf))) {
        changed.add(bdf);
      }
    }
    return changed;
  }

  @Test
  void historyShowsTheSnapshotsAndTheAcsDiffOnTheGraph() throws Exception {
    Set<String> expected = expectedAcsChanges();
    assertTrue(
        expected.containsAll(Set.of("0000:00:10.0", "0000:00:11.0", "0000:00:12.0")),
        "the captures differ in ACS on the root ports: " + expected);

    driver.get(url("/hosts/" + HISTORY_HOST));
    WebElement link = driver.findElement(By.id("history-link"));
    assertTrue(link.getAttribute("href").endsWith("/hosts/" + HISTORY_HOST + "/history"));
    link.click();
    waiting().until(d -> !d.findElements(By.id("history-page")).isEmpty());
    assertEquals("fabricscope — " + HISTORY_HOST + " history", driver.getTitle());

    List<WebElement> rows = driver.findElements(By.cssSelector("#timeline tr[data-snapshot]"));
    assertEquals(2, rows.size(), "two snapshots on the timeline");
    assertTrue(rows.get(0).getText().contains("imported"), rows.get(0).getText());
    // Default: the older one as From, the newest as To.
    assertTrue(rows.get(1).findElement(By.cssSelector("input[name=from]")).isSelected());
    assertTrue(rows.get(0).findElement(By.cssSelector("input[name=to]")).isSelected());

    waitGraphReady();
    Set<String> listed = new TreeSet<>();
    for (WebElement li :
        driver.findElements(By.cssSelector("#changes li[data-kind=ACS_CHANGED]"))) {
      listed.add(li.getAttribute("data-device"));
    }
    assertEquals(expected, listed, "the change list's ACS changes");
    Set<String> drawn =
        new HashSet<>(script("return window.fabricscope.cy.nodes('.d-changed').map(n => n.id());"));
    assertTrue(drawn.containsAll(expected), "changed (orange) on the graph: " + drawn);
    assertTrue(
        driver.findElement(By.id("changes-summary")).getText().contains("change"),
        driver.findElement(By.id("changes-summary")).getText());

    // The same snapshot on both sides: nothing changed, nothing marked.
    rows.get(0).findElement(By.cssSelector("input[name=from]")).click();
    waiting()
        .until(
            d ->
                d.findElements(By.cssSelector("#changes li")).isEmpty()
                    && "ready".equals(d.findElement(By.id("fabric")).getAttribute("data-state")));
    assertTrue(
        script("return window.fabricscope.cy.nodes('.d-changed').map(n => n.id());").isEmpty());
    // Back to the default comparison for the screenshot.
    rows.get(1).findElement(By.cssSelector("input[name=from]")).click();
    waiting().until(d -> !d.findElements(By.cssSelector("#changes li")).isEmpty());
    waitGraphReady();
  }

  @Test
  void anOpenHostPageUpdatesLiveWhenANewSnapshotArrives() throws Exception {
    String host = "live-rig-" + System.nanoTime();
    importFile(operator, PLAIN, host);
    driver.get(url("/hosts/" + host));
    waitGraphReady();
    waiting()
        .until(d -> "open".equals(d.findElement(By.id("host-page")).getAttribute("data-live")));
    assertTrue(driver.findElements(By.id("live-banner")).isEmpty());
    assertFalse(
        script("return window.fabricscope.cy.nodes('.acs').map(n => n.id());")
            .contains("0000:00:10.0"),
        "no ACS redirect before");

    importFile(operator, IOMMU, host);

    WebElement banner =
        new WebDriverWait(driver, Duration.ofSeconds(10))
            .until(
                d -> {
                  List<WebElement> b = d.findElements(By.id("live-banner"));
                  return b.isEmpty() || !b.get(0).isDisplayed() ? null : b.get(0);
                });
    Set<String> bannerAcs = new TreeSet<>();
    for (WebElement li : banner.findElements(By.cssSelector("li[data-kind=ACS_CHANGED]"))) {
      bannerAcs.add(li.getAttribute("data-device"));
      assertTrue(li.getText().startsWith("ACS " + li.getAttribute("data-device")), li.getText());
    }
    assertFalse(bannerAcs.isEmpty(), "the banner lists ACS changes: " + banner.getText());
    assertTrue(expectedAcsChanges().containsAll(bannerAcs), bannerAcs.toString());
    assertTrue(banner.getText().contains("new snapshot"), banner.getText());
    // The new state is drawn: the root ports now redirect P2P (ACS marker on the graph).
    waitGraphReady();
    waiting()
        .until(
            d ->
                script("return window.fabricscope.cy.nodes('.acs').map(n => n.id());")
                    .containsAll(List.of("0000:00:10.0", "0000:00:11.0", "0000:00:12.0")));
  }
}
