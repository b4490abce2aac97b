package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * What the plan page's browser tests read and wait for: the page's state attributes ({@code
 * data-state}, {@code data-version}, {@code data-edits} on {@code #plan-page}), the pair pickers,
 * the flow tables and the move form.
 */
abstract class PlanPageBrowserBase extends BrowserTest {

  /** Every text on the page meets WCAG AA contrast (the check every page passes). */
  void assertContrast(String where) throws Exception {
    String script = Files.readString(Path.of("src/test/resources/web/contrast.js"));
    assertEquals(List.of(), js().executeScript(script), "text below WCAG AA contrast on " + where);
  }

  JavascriptExecutor js() {
    return (JavascriptExecutor) driver;
  }

  String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  String state() {
    return text("plan-state");
  }

  List<WebElement> versionOptions() {
    return driver.findElements(By.cssSelector("#version option"));
  }

  /** Waits until the page shows {@code edits} edits of whatever version, computed and drawn. */
  void waitReady(int edits) {
    waitReady(null, edits);
  }

  /** Waits until the page shows {@code version} with {@code edits} edits, computed and drawn. */
  void waitReady(String version, int edits) {
    waiting()
        .until(
            d -> {
              WebElement p = d.findElement(By.id("plan-page"));
              return "ready".equals(p.getAttribute("data-state"))
                  && (version == null || version.equals(p.getAttribute("data-version")))
                  && String.valueOf(edits).equals(p.getAttribute("data-edits"))
                  && "ready".equals(d.findElement(By.id("fabric")).getAttribute("data-state"));
            });
  }

  void pick(String a, String b) {
    new Select(driver.findElement(By.id("sel-a"))).selectByValue(a);
    new Select(driver.findElement(By.id("sel-b"))).selectByValue(b);
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-pair", a + "|" + b));
    waiting().until(ExpectedConditions.attributeToBe(By.id("plan-page"), "data-state", "ready"));
  }

  WebElement compareFlow(String source, String target) {
    return driver.findElement(
        By.cssSelector(
            "#compare-flows tr[data-source='" + source + "'][data-target='" + target + "']"));
  }

  /** The predicted GB/s of the shown pattern's flow from {@code source}, as the table shows it. */
  String rate(String source) {
    return driver
        .findElement(By.cssSelector("#flows tr[data-source='" + source + "'] td.gbps"))
        .getText();
  }

  /** The text of the "To" option of the move form for a port. */
  String moveTarget(String port) {
    return driver
        .findElement(By.cssSelector("#move-to option[value='" + port + "']"))
        .getAttribute("textContent");
  }
}
