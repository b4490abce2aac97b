package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.CompactP2p;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The host page in real headless Chromium against the test server, with the real DGX-2 hwloc XML
 * imported: the graph, pair selection with the verdict panel and highlighted path, the matrix equal
 * to the API's, contrast on every page. The fleet page is {@link FleetPageBrowserTest}'s, SR-IOV
 * {@link VirtualFunctionsBrowserTest}'s. Every test saves a screenshot and fails on any console
 * error.
 */
@QuarkusTest
class BrowserPagesTest extends BrowserTest {

  static final String DGX2 = "nvidiaDGX2";
  // Two V100s below one PLX switch, and one across the sockets (hwloc-xml/nvidiaDGX2.xml).
  static final String GPU_A = "0000:34:00.0";
  static final String GPU_SAME_SWITCH = "0000:36:00.0";
  static final String GPU_OTHER_SOCKET = "0000:b7:00.0";

  static String operator;

  @Override
  String screenshotPrefix() {
    return "browser-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("browser-operator-" + System.nanoTime(), "operator", null);
      importFile(operator, "hwloc-xml/nvidiaDGX2.xml", DGX2);
      importFile(operator, "sysfs/qemu-rig-iommu.tar.gz", "browser-rig");
    }
  }

  @Test
  void twoGpusUnderOneSwitchArePixAndBusAddrWithThePathHighlighted() {
    openHost();
    pick(GPU_A, GPU_SAME_SWITCH);
    String kernel = driver.findElement(By.id("v-kernel")).getText();
    String nvidia = driver.findElement(By.id("v-nvidia")).getText();
    assertTrue(kernel.contains("BUS_ADDR"), kernel);
    assertTrue(nvidia.contains("PIX"), nvidia);

    List<String> hops = apiPath(GPU_A, GPU_SAME_SWITCH).getList("hops", String.class);
    assertTrue(hops.size() >= 3, "hops " + hops);
    Set<String> highlighted = new HashSet<>(highlightedNodes());
    assertTrue(highlighted.containsAll(hops), "highlighted " + highlighted + " hops " + hops);
    assertTrue(highlighted.contains(GPU_A) && highlighted.contains(GPU_SAME_SWITCH));
    // only the path: a GPU elsewhere stays plain
    assertFalse(highlighted.contains(GPU_OTHER_SOCKET));
  }

  @Test
  void gpusAcrossSocketsAreSysWithTheReason() {
    openHost();
    pick(GPU_A, GPU_OTHER_SOCKET);
    String nvidia = driver.findElement(By.id("v-nvidia")).getText();
    assertTrue(nvidia.contains("SYS"), nvidia);
    String kernel = driver.findElement(By.id("v-kernel")).getText();
    assertTrue(kernel.contains("THRU_HOST_BRIDGE"), kernel);
    WebElement reason =
        driver.findElement(By.cssSelector("#v-reasons li[data-code='CROSS_SOCKET']"));
    assertTrue(reason.isDisplayed());
    assertTrue(reason.getText().contains("keep peers on one socket"), reason.getText());
    Set<String> highlighted = new HashSet<>(highlightedNodes());
    assertTrue(
        highlighted.containsAll(apiPath(GPU_A, GPU_OTHER_SOCKET).getList("hops", String.class)));
  }

  /**
   * The Matrix tab draws the server's layout: nvidia-smi's rows (GPU#, NIC#) with their labels and
   * affinity columns, every cell the API's label; the other devices appear behind the checkbox.
   */
  @Test
  void matrixTabEqualsTheApi() {
    openHost();
    driver.findElement(By.id("tab-matrix")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("matrix-table")));
    JsonPath p2p =
        given().get("/api/v1/hosts/" + DGX2 + "/p2p").then().statusCode(200).extract().jsonPath();
    Map<String, String> expected = new HashMap<>();
    for (CompactP2p.Pair p : CompactP2p.pairs(p2p)) {
      String nvidia = (String) p.verdict().get("nvidia");
      expected.put(p.a() + "|" + p.b(), nvidia);
      expected.put(p.b() + "|" + p.a(), nvidia);
    }
    List<Map<String, Object>> rows = p2p.getList("layout.rows");
    List<Map<String, Object>> smi = rows.stream().filter(r -> (Boolean) r.get("smi")).toList();
    assertTrue(smi.size() >= 16, "the DGX-2's 16 GPUs at least");
    assertMatrix(p2p, smi, expected);
    driver.findElement(By.id("matrix-all")).click();
    waiting()
        .until(
            d ->
                d.findElements(By.cssSelector("#matrix-table td[data-a]")).size()
                    == rows.size() * rows.size());
    assertMatrix(p2p, rows, expected);
  }

  private void assertMatrix(
      JsonPath p2p, List<Map<String, Object>> rows, Map<String, String> expected) {
    List<String> head = new ArrayList<>();
    for (WebElement th : driver.findElements(By.cssSelector("#matrix-table thead th"))) {
      head.add(th.getText());
    }
    List<String> want = new ArrayList<>(List.of(""));
    rows.forEach(r -> want.add((String) r.get("label")));
    want.addAll(p2p.getList("layout.affinityColumns", String.class));
    assertEquals(want, head);
    List<WebElement> cells = driver.findElements(By.cssSelector("#matrix-table td[data-a]"));
    assertEquals(rows.size() * rows.size(), cells.size());
    int checked = 0;
    for (WebElement c : cells) {
      String a = c.getAttribute("data-a");
      String b = c.getAttribute("data-b");
      if (a.equals(b)) {
        assertEquals("X", c.getText());
        continue;
      }
      assertEquals(expected.get(a + "|" + b), c.getText(), a + " to " + b);
      checked++;
    }
    assertEquals(rows.size() * (rows.size() - 1), checked);
  }

  @Test
  void sysfsHostLabelsLinksWithGenerationAndWidth() {
    driver.get(url("/hosts/browser-rig"));
    waitForGraph();
    @SuppressWarnings("unchecked")
    List<String> labels =
        (List<String>)
            ((JavascriptExecutor) driver)
                .executeScript(
                    "return window.fabricscope.cy.edges().map(function (e) { return"
                        + " e.data('label'); });");
    assertTrue(
        labels.stream().anyMatch(l -> l != null && l.matches("Gen\\d x\\d+")),
        "link labels " + labels);
    // root-bus platform devices are hidden until asked for
    JavascriptExecutor js = (JavascriptExecutor) driver;
    long before =
        ((Number) js.executeScript("return window.fabricscope.cy.nodes().length;")).longValue();
    int hidden = Integer.parseInt(driver.findElement(By.id("platform-count")).getText());
    assertTrue(hidden > 0, "the QEMU rig has chipset functions on its root bus");
    driver.findElement(By.id("show-platform")).click();
    waitForGraph();
    long after =
        ((Number) js.executeScript("return window.fabricscope.cy.nodes().length;")).longValue();
    assertTrue(after >= before + hidden, before + " + " + hidden + " > " + after);
    // the rig's devices are selectable and a pair gets a verdict
    List<WebElement> options =
        new Select(driver.findElement(By.id("sel-a")))
            .getOptions().stream().filter(o -> !o.getAttribute("value").isEmpty()).toList();
    assertTrue(options.size() >= 2, "selectable devices on the rig");
    pick(options.get(0).getAttribute("value"), options.get(1).getAttribute("value"));
    assertFalse(driver.findElement(By.id("v-kernel")).getText().isBlank());
  }

  @Test
  void clickingTwoDevicesInTheGraphSelectsThePairAndShowsDetails() {
    openHost();
    click(GPU_A);
    click(GPU_SAME_SWITCH);
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.id("fabric"), "data-pair", GPU_A + "|" + GPU_SAME_SWITCH));
    assertTrue(driver.findElement(By.id("v-nvidia")).getText().contains("PIX"));
    String details = driver.findElement(By.id("details-list")).getText();
    assertTrue(details.contains(GPU_SAME_SWITCH), details);
    assertTrue(details.contains("NUMA node"), details);
  }

  /** A real mouse click on a graph node, at its rendered position on the canvas. */
  void click(String id) {
    @SuppressWarnings("unchecked")
    Map<String, Number> pos =
        (Map<String, Number>)
            ((JavascriptExecutor) driver)
                .executeScript(
                    "var p = window.fabricscope.cy.getElementById(arguments[0]).renderedPosition();"
                        + " return {x: p.x, y: p.y};",
                    id);
    WebElement canvas = driver.findElement(By.id("fabric"));
    int dx = (int) Math.round(pos.get("x").doubleValue() - canvas.getSize().getWidth() / 2.0);
    int dy = (int) Math.round(pos.get("y").doubleValue() - canvas.getSize().getHeight() / 2.0);
    new Actions(driver).moveToElement(canvas, dx, dy).click().perform();
  }

  @Test
  void textMeetsWcagAaContrastOnEveryPage() throws Exception {
    String script =
        java.nio.file.Files.readString(java.nio.file.Path.of("src/test/resources/web/contrast.js"));
    for (String path :
        List.of(
            "/",
            "/hosts/" + DGX2,
            "/hosts/" + DGX2 + "/history",
            "/findings",
            "/fabric",
            "/import")) {
      driver.get(url(path));
      if (path.startsWith("/hosts/") && !path.endsWith("/history")) {
        waitForGraph();
      }
      Object bad = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script);
      assertEquals(List.of(), bad, "text below WCAG AA contrast on " + path);
    }
  }

  @Test
  void theLargestFixtureBecomesInteractive() throws Exception {
    // the 137-function Dell DCS8000Z gather, the largest PCI tree among the fixtures
    importFile(operator, "sysfs/hwloc-32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2", "browser-dell137");
    for (int load = 0; load < 3; load++) {
      driver.get(url("/hosts/browser-dell137"));
      waitForGraph();
      System.out.println(
          "host page browser-dell137 (137 PCI functions) interactive after "
              + driver.findElement(By.id("fabric")).getAttribute("data-ready-ms")
              + " ms (navigation start to laid-out graph)");
    }
  }

  void openHost() {
    driver.get(url("/hosts/" + DGX2));
    assertEquals("fabricscope — " + DGX2, driver.getTitle());
    waitForGraph();
    System.out.println(
        "host page "
            + DGX2
            + " interactive after "
            + driver.findElement(By.id("fabric")).getAttribute("data-ready-ms")
            + " ms (navigation start to laid-out graph)");
  }

  void pick(String a, String b) {
    new Select(driver.findElement(By.id("sel-a"))).selectByValue(a);
    new Select(driver.findElement(By.id("sel-b"))).selectByValue(b);
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-pair", a + "|" + b));
  }

  /**
   * The nodes of the drawn PCIe path: highlighted, or, for a pair nvidia-smi labels NV# (every GPU
   * pair of the DGX-2), drawn as the alternative of the highlighted NVLink route.
   */
  @SuppressWarnings("unchecked")
  List<String> highlightedNodes() {
    return (List<String>)
        ((JavascriptExecutor) driver)
            .executeScript(
                "var cy = window.fabricscope.cy; var nv = cy.nodes('.path').filter(function (n) {"
                    + " return n.data('kind') === 'nvswitch'; }).nonempty();"
                    + " return cy.nodes(nv ? '.alt, .path[kind != \"nvswitch\"]' : '.path')"
                    + ".map(function (n) { return n.id(); });");
  }

  static JsonPath apiPath(String a, String b) {
    return given()
        .queryParam("a", a)
        .queryParam("b", b)
        .get("/api/v1/hosts/" + DGX2 + "/paths")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }
}
