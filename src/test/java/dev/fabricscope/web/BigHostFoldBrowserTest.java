package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.topology.SyntheticHosts;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;

/**
 * A host too big to draw unfolded (issue 14): a synthetic host of 1,000 endpoints ({@code
 * SyntheticHosts.nestedSwitches}: per root port a switch of 8 downstream ports, each leading to a
 * second switch of 8 downstream ports with one endpoint each) opens with its top switches folded,
 * folded on the page's element data before cytoscape sees them. The test holds that first drawing
 * equal to what folding the drawn graph (the "collapse all" button) gives, and the counts in a
 * folded box to the generator's shape.
 */
@QuarkusTest
class BigHostFoldBrowserTest extends BrowserTest {

  static final String HOST = "fold-synthetic1000";
  static boolean sent;

  @Override
  String screenshotPrefix() {
    return "bigfold-";
  }

  @BeforeEach
  void setUp() {
    if (!sent) {
      String json = ReportJson.write(SyntheticHosts.nestedSwitches(HOST, 1000));
      ApiClient.sendReport(ApiClient.ADMIN, json.getBytes(StandardCharsets.UTF_8))
          .then()
          .statusCode(201);
      sent = true;
    }
    driver.manage().window().setSize(new Dimension(1600, 1000));
  }

  JavascriptExecutor js() {
    return (JavascriptExecutor) driver;
  }

  /** Every drawn element: id, the data that say what it is and how it is labelled, its classes. */
  @SuppressWarnings("unchecked")
  List<String> drawn() {
    return (List<String>)
        js().executeScript(
                "return window.fabricscope.cy.elements().map(function (e) {"
                    + " return [e.id(), e.data('type') || e.data('kind'), e.data('label'),"
                    + " e.data('brief'), e.isEdge() ? e.data('source') + '>' + e.data('target')"
                    + " : e.data('parent') || '', e.classes().slice().sort().join(' ')].join('|');"
                    + " }).sort();");
  }

  void click(String id) {
    driver.findElement(By.id(id)).click();
    // the click's relayout marks the graph "loading" before the click returns
    waitForGraph();
  }

  @Test
  void opensFoldedAsCollapseAllWouldFoldIt() {
    driver.get(url("/hosts/" + HOST));
    waitForGraph();
    List<String> first = drawn();
    // 16 root ports (1,000 / 64, rounded up), each: host bridge, root port, one folded switch box
    long boxes = first.stream().filter(s -> s.contains("|switch|")).count();
    assertEquals(16, boxes, String.join("\n", first));
    // outermost first: the second-level switches fold with their top switch, not on their own
    assertEquals("16", driver.findElement(By.id("fabric")).getAttribute("data-collapsed"));
    // the first root port's top switch (upstream port 0000:01:00.0) hides 8 downstream ports and
    // its upstream port, 8 second-level switches of 9 ports each and their 64 endpoints
    @SuppressWarnings("unchecked")
    Map<String, Object> box =
        (Map<String, Object>)
            js().executeScript(
                    "var n = window.fabricscope.cy.getElementById('sw:0000:01:00.0');"
                        + " return {label: n.data('label'), collapsed: n.hasClass('collapsed')};");
    assertEquals(Boolean.TRUE, box.get("collapsed"), box.toString());
    assertTrue(
        ((String) box.get("label")).endsWith("\n64 devices · 145 functions"), box.toString());

    click("expand-all");
    long open = (Long) js().executeScript("return window.fabricscope.cy.nodes().length;");
    assertTrue(open > 1000, "expanded: " + open + " nodes");
    click("collapse-all");
    assertEquals(first, drawn(), "folded before drawing = folded when drawn");
  }
}
