package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.fabric.FabricFixture;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * Every page in an 800 px wide window, with real data (the DGX-2 with its findings, three PlaFRIM2
 * hosts on the fabric page): the document never scrolls sideways (wide tables scroll inside their
 * box), the Tab key reaches each page's main controls in order with a visible focus outline, and no
 * console errors.
 */
@QuarkusTest
class NarrowWindowBrowserTest extends BrowserTest {

  static final String HOST = "narrow-dgx2";
  static boolean imported;
  static String operator;

  @Override
  String screenshotPrefix() {
    return "narrow-";
  }

  @BeforeEach
  void setUp() throws Exception {
    driver.manage().window().setSize(new Dimension(800, 900));
    if (imported) {
      return;
    }
    operator = ApiClient.token("narrow-" + System.nanoTime(), "operator", null);
    importFile(operator, "hwloc-xml/nvidiaDGX2.xml", HOST);
    FabricFixture.importHosts(operator);
    imported = true;
  }

  /** Opens a page and checks that nothing overflows sideways. */
  void open(String path) {
    driver.get(url(path));
    assertNoSidewaysOverflow(path);
  }

  void assertNoSidewaysOverflow(String what) {
    JavascriptExecutor js = driver;
    long inner = (Long) js.executeScript("return window.innerWidth;");
    assertTrue(inner <= 800, "window " + inner);
    @SuppressWarnings("unchecked")
    Map<String, Object> m =
        (Map<String, Object>)
            js.executeScript(
                "const s = document.scrollingElement;"
                    + " return { scroll: s.scrollWidth, client: s.clientWidth };");
    long scroll = (Long) m.get("scroll");
    long client = (Long) m.get("client");
    assertTrue(scroll <= client, what + ": scrollWidth " + scroll + " > clientWidth " + client);
  }

  /**
   * Presses Tab from the top of the page until every id in {@code wanted} had the focus, in that
   * order, each with a visible outline; fails after {@code limit} presses.
   */
  void tabReaches(List<String> wanted, int limit) {
    JavascriptExecutor js = driver;
    js.executeScript(
        "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
    List<String> seen = new ArrayList<>();
    Map<String, String> outlines = new LinkedHashMap<>();
    int next = 0;
    for (int i = 0; i < limit && next < wanted.size(); i++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
      String id = (String) js.executeScript("return document.activeElement.id || '';");
      seen.add(id);
      if (id.equals(wanted.get(next))) {
        outlines.put(
            id,
            (String)
                js.executeScript(
                    "const s = getComputedStyle(document.activeElement);"
                        + " return s.outlineStyle + ' ' + s.outlineWidth;"));
        next++;
      }
    }
    assertEquals(wanted, List.copyOf(outlines.keySet()), "tab order reached " + seen);
    outlines.forEach((id, o) -> assertNotEquals("none 0px", o, id + " focus outline"));
    outlines.forEach((id, o) -> assertTrue(!o.startsWith("none"), id + " focus outline " + o));
  }

  @Test
  void fleetFindingsFabricPlansImportFitAndTab() throws Exception {
    open("/");
    tabReaches(
        List.of("name-filter", "label-filter", "gpu-filter", "filter-submit", "sort-name"), 20);
    open("/findings");
    tabReaches(List.of("severity-filter", "host-filter", "findings-submit"), 20);
    open("/fabric");
    open("/plans");
    open("/import");
    tabReaches(List.of("import-file", "import-host", "import-token", "import-submit"), 20);
  }

  @Test
  void hostPageAndHistoryFitAndTab() throws Exception {
    open("/hosts/" + HOST);
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-state", "ready"));
    assertNoSidewaysOverflow("host page, fabric tab");
    tabReaches(
        List.of(
            "dl-report", "dl-hwloc", "dl-nccl", "plan-from-host", "tab-graph", "sel-a", "sel-b"),
        40);
    // the verdict panel names the hops (GPU0 is 0000:34:00.0 and GPU1 0000:36:00.0, both below the
    // PLX switch whose downstream ports are 33:00.0 and 33:10.0, per nvidiaDGX2.xml)
    new Select(driver.findElement(By.id("sel-a"))).selectByValue("0000:34:00.0");
    new Select(driver.findElement(By.id("sel-b"))).selectByValue("0000:36:00.0");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("v-hops")));
    List<WebElement> hops = driver.findElements(By.cssSelector("#v-hops li"));
    assertEquals(5, hops.size());
    assertTrue(hops.get(0).getText().startsWith("GPU0 GV100GL"), hops.get(0).getText());
    assertTrue(hops.get(0).getText().endsWith("0000:34:00.0"), hops.get(0).getText());
    assertTrue(hops.get(1).getText().startsWith("switch downstream port"), hops.get(1).getText());
    assertTrue(hops.get(4).getText().startsWith("GPU1 "), hops.get(4).getText());
    assertNoSidewaysOverflow("host page with a pair");
    // the tabs by keyboard: arrow to Matrix, which draws the 16-GPU matrix inside its box
    driver.findElement(By.id("tab-graph")).sendKeys(Keys.ARROW_RIGHT);
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("matrix-table")));
    assertEquals("true", driver.findElement(By.id("tab-matrix")).getDomAttribute("aria-selected"));
    assertNoSidewaysOverflow("host page, matrix tab");
    driver.findElement(By.id("tab-matrix")).sendKeys(Keys.ARROW_RIGHT);
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("bw-form")));
    assertNoSidewaysOverflow("host page, bandwidth tab");
    open("/hosts/" + HOST + "/history");
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-state", "ready"));
    assertNoSidewaysOverflow("history");
  }

  /** The plan page of the DGX-2 and the plans list with its Delete buttons. */
  @Test
  void planPageAndPlansListFitAndTab() throws Exception {
    long id = ApiClient.createPlan(operator, HOST, "narrow plan");
    open("/plans/" + id);
    waiting()
        .until(
            d ->
                "ready".equals(d.findElement(By.id("plan-page")).getAttribute("data-state"))
                    && "ready".equals(d.findElement(By.id("fabric")).getAttribute("data-state")));
    assertNoSidewaysOverflow("plan page");
    tabReaches(
        List.of(
            "version",
            "save-note",
            "plan-token",
            "compare",
            "plan-delete",
            "sel-a",
            "sel-b",
            "graph-search",
            "fabric",
            "move-device",
            "pattern",
            "inter-socket-gbps"),
        120);
    new Select(driver.findElement(By.id("pattern"))).selectByValue("custom");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("custom-flows")));
    assertNoSidewaysOverflow("plan page with a list of flows");
    open("/plans");
    tabReaches(List.of("plans-token"), 20);
    assertTrue(
        driver
            .findElement(By.cssSelector("#plans button.plan-delete[data-plan='" + id + "']"))
            .isDisplayed());
  }
}
