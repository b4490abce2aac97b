package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.w3c.dom.Document;

/**
 * The host page's graph on big fabrics (issue 14): opened fitted with no label drawn below 10 px,
 * NVLinks drawn and taken by NV# pairs, search, keyboard, matrix cells and downloads.
 *
 * <p>Hosts: the DGX-2 ({@code hwloc-xml/nvidiaDGX2.xml}: 16 V100s, 12 NVSwitches, two baseboards)
 * and the 137-function Dell DCS8000Z gather, the largest PCI tree among the fixtures.
 */
@QuarkusTest
class HostPageBrowserTest extends BrowserTest {

  static final String DGX2 = "graph-dgx2";
  static final String DELL = "graph-dell137";
  // hwloc-xml/nvidiaDGX2.xml: two V100s under one PLX switch, one on the other socket
  static final String GPU_A = "0000:34:00.0";
  static final String GPU_SAME_SWITCH = "0000:36:00.0";
  static final String GPU_OTHER_SOCKET = "0000:b7:00.0";

  static boolean imported;

  @Override
  String screenshotPrefix() {
    return "hostgraph-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (!imported) {
      String op = ApiClient.token("hostgraph-op-" + System.nanoTime(), "operator", null);
      importFile(op, "hwloc-xml/nvidiaDGX2.xml", DGX2);
      importFile(op, "sysfs/hwloc-32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2", DELL);
      imported = true;
    }
    driver.manage().window().setSize(new Dimension(1600, 1250));
  }

  JavascriptExecutor js() {
    return (JavascriptExecutor) driver;
  }

  void open(String host) {
    driver.get(url("/hosts/" + host));
    waitForGraph();
  }

  /**
   * Every drawn label's line height on screen, measured from the label boxes cytoscape laid out
   * (graph units) times the zoom and the canvas's on-screen scale (getBoundingClientRect against
   * its layout width); and whether the whole drawing lies inside the visible part.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> labels() {
    return (Map<String, Object>)
        js().executeScript(
                "var cy = window.fabricscope.cy; var c = document.querySelector('#fabric canvas');"
                    + " var scale = c.getBoundingClientRect().width / c.offsetWidth;"
                    + " var z = cy.zoom(); var min = 1e9, shown = 0, ids = [];"
                    + " cy.elements().forEach(function (e) { var t = e.style('label'); if (!t) return;"
                    + "  if (e.style('display') === 'none' || e.style('text-opacity') == 0) return;"
                    + "  var b = e.boundingBox({includeNodes: false, includeEdges: false,"
                    + "   includeLabels: true, includeOverlays: false});"
                    + "  var line = b.h / t.split('\\n').length * z * scale;"
                    + "  if (line < min) min = line; shown++; ids.push(e.id()); });"
                    + " var bb = cy.elements().boundingBox(), x = cy.extent();"
                    + " return {min: min, shown: shown, ids: ids, zoom: z,"
                    + "  fitted: bb.x1 >= x.x1 - 1 && bb.x2 <= x.x2 + 1 && bb.y1 >= x.y1 - 1"
                    + "   && bb.y2 <= x.y2 + 1,"
                    + "  fontPx: cy.elements().filter(function (e) { return !!e.style('label'); })"
                    + "   .map(function (e) { return parseFloat(e.style('font-size')) * z; })"
                    + "   .reduce(function (a, b) { return Math.min(a, b); }, 1e9)};");
  }

  void assertReadable(String what, int atLeastShown) {
    Map<String, Object> l = labels();
    assertEquals(Boolean.TRUE, l.get("fitted"), what + " opens fitted: " + l);
    double min = ((Number) l.get("min")).doubleValue();
    long shown = ((Number) l.get("shown")).longValue();
    // a line box is the font size times cytoscape's line height (1): ≥ 10 px means a ≥ 10 px font
    assertTrue(min >= 10.0, what + ": smallest drawn label line " + min + " px " + l);
    assertTrue(((Number) l.get("fontPx")).doubleValue() >= 10.0, what + " " + l);
    assertTrue(shown >= atLeastShown, what + ": " + shown + " labels drawn " + l.get("ids"));
  }

  @Test
  void bigHostsOpenFittedWithEveryDrawnLabelAtLeastTenPixels() {
    for (int width : List.of(1600, 800)) {
      driver.manage().window().setSize(new Dimension(width, 1000));
      open(DGX2);
      // the 16 GPUs and 12 NVSwitches at least carry a readable name at first sight
      assertReadable("DGX-2 at " + width + " px", width >= 1600 ? 28 : 1);
      open(DELL);
      assertReadable("Dell 137 at " + width + " px", 1);
      driver.findElement(By.id("show-platform")).click();
      waiting()
          .until(
              d ->
                  ((Number) js().executeScript("return window.fabricscope.cy.nodes().length;"))
                          .intValue()
                      > 100);
      waitForGraph();
      assertReadable("Dell 137 with its platform devices at " + width + " px", 1);
      // zooming in brings the details: full labels at a zoom where the 9-unit font is ≥ 10 px
      driver.findElement(By.id("zoom-in")).click();
      driver.findElement(By.id("zoom-in")).click();
      Map<String, Object> l = labels();
      assertTrue(((Number) l.get("min")).doubleValue() >= 10.0, l.toString());
    }
  }

  @Test
  void dgx2DrawsItsNvlinksAndGpu0ToGpu8TakesThem() {
    List<String> apiNvlinks =
        given()
            .get("/api/v1/hosts/" + DGX2 + "/graph")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("edges.findAll { it.kind == 'nvlink' }.id");
    // 16 V100s × 6 links, one to each NVSwitch of their baseboard
    assertEquals(96, apiNvlinks.size());
    open(DGX2);
    @SuppressWarnings("unchecked")
    List<String> drawn =
        (List<String>)
            js().executeScript(
                    "return window.fabricscope.cy.edges('.nvlink').filter(function (e) {"
                        + " return e.visible() && parseFloat(e.style('width')) > 0; })"
                        + ".map(function (e) { return e.id(); });");
    assertEquals(apiNvlinks.stream().sorted().toList(), drawn.stream().sorted().toList());
    String gpu0 = optionFor("GPU0");
    String gpu8 = optionFor("GPU8");
    new Select(driver.findElement(By.id("sel-a"))).selectByValue(gpu0);
    new Select(driver.findElement(By.id("sel-b"))).selectByValue(gpu8);
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-route", "nvlink"));
    assertTrue(driver.findElement(By.id("v-nvidia")).getText().startsWith("NV6"));
    long pathNvlinks =
        ((Number) js().executeScript("return window.fabricscope.cy.edges('.nvlink.path').length;"))
            .longValue();
    assertEquals(12, pathNvlinks, "both GPUs' six links into their NVSwitches");
    // the PCIe path across the sockets is shown as the alternative, not as the path
    long alt =
        ((Number) js().executeScript("return window.fabricscope.cy.edges('.alt').length;"))
            .longValue();
    long pciePath =
        ((Number)
                js().executeScript(
                        "return window.fabricscope.cy.edges('.path').not('.nvlink').length;"))
            .longValue();
    assertTrue(alt > 0, "PCIe alternative drawn");
    assertEquals(0, pciePath);
    // a pair without NVLink (a GPU and a NIC) highlights its PCIe path
    new Select(driver.findElement(By.id("sel-b"))).selectByValue(GPU_SAME_SWITCH);
    new Select(driver.findElement(By.id("sel-a"))).selectByValue(GPU_A);
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.id("fabric"), "data-pair", GPU_A + "|" + GPU_SAME_SWITCH));
  }

  String optionFor(String name) {
    return new Select(driver.findElement(By.id("sel-a")))
        .getOptions().stream()
            .filter(o -> o.getText().startsWith(name + " "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no option " + name))
            .getAttribute("value");
  }

  boolean onScreen(String id) {
    return (Boolean)
        js().executeScript(
                "var n = window.fabricscope.cy.getElementById(arguments[0]);"
                    + " var x = window.fabricscope.cy.extent(), p = n.position();"
                    + " return n.nonempty() && p.x > x.x1 && p.x < x.x2 && p.y > x.y1"
                    + " && p.y < x.y2;",
                id);
  }

  @Test
  void searchFindsGpu3AndABdfEvenInsideACollapsedSwitch() {
    open(DGX2);
    String gpu3 = optionFor("GPU3");
    driver.findElement(By.id("collapse-all")).click();
    waiting()
        .until(
            d ->
                (Boolean)
                    js().executeScript(
                            "return window.fabricscope.cy.getElementById(arguments[0]).empty();",
                            gpu3));
    waitForGraph();
    WebElement box = driver.findElement(By.id("graph-search"));
    box.sendKeys("GPU3", Keys.ENTER);
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-found", gpu3));
    waitForGraph();
    assertTrue(onScreen(gpu3), "GPU3 centred");
    box.clear();
    box.sendKeys("b7:00.0", Keys.ENTER);
    waiting()
        .until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-found", GPU_OTHER_SOCKET));
    waitForGraph();
    assertTrue(onScreen(GPU_OTHER_SOCKET));
    assertTrue(
        (Boolean)
            js().executeScript(
                    "return window.fabricscope.cy.getElementById(arguments[0]).hasClass('found');",
                    GPU_OTHER_SOCKET));
    box.clear();
    box.sendKeys("no-such-device-xyz", Keys.ENTER);
    waiting().until(ExpectedConditions.textToBe(By.id("graph-search-status"), "no device matches"));
  }

  @Test
  void keyboardPicksAPair() {
    open(DGX2);
    WebElement fabric = driver.findElement(By.id("fabric"));
    js().executeScript("arguments[0].focus();", fabric);
    waiting().until(ExpectedConditions.attributeToBeNotEmpty(fabric, "data-cursor"));
    String first = fabric.getAttribute("data-cursor");
    assertEquals(optionFor("GPU0"), first, "the cursor starts on GPU0");
    fabric.sendKeys(Keys.ENTER);
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                driver.findElement(By.id("sel-a")), "value", first)); // property read
    List<String> selectable =
        new Select(driver.findElement(By.id("sel-a")))
            .getOptions().stream().map(o -> o.getAttribute("value")).toList();
    Keys[] moves = {Keys.ARROW_UP, Keys.ARROW_RIGHT, Keys.ARROW_DOWN, Keys.ARROW_RIGHT};
    String second = null;
    for (int i = 0; i < 40 && second == null; i++) {
      fabric.sendKeys(moves[i % moves.length]);
      String at = fabric.getAttribute("data-cursor");
      if (!at.equals(first) && selectable.contains(at)) {
        second = at;
      }
    }
    assertTrue(second != null, "the arrow keys reach another device");
    fabric.sendKeys(Keys.ENTER);
    waiting()
        .until(
            ExpectedConditions.attributeToBe(By.id("fabric"), "data-pair", first + "|" + second));
    assertNotEquals(first, second);
  }

  @Test
  void aMatrixCellPicksItsPairOnTheGraph() {
    driver.get(url("/hosts/" + DGX2 + "#matrix"));
    waitForGraph();
    WebElement cell =
        driver.findElement(
            By.cssSelector(
                "#matrix-table td[data-a='" + GPU_A + "'][data-b='" + GPU_OTHER_SOCKET + "']"));
    cell.click();
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.id("fabric"), "data-pair", GPU_A + "|" + GPU_OTHER_SOCKET));
    assertEquals("true", driver.findElement(By.id("tab-graph")).getAttribute("aria-selected"));
    assertTrue(driver.findElement(By.id("v-nvidia")).getText().startsWith("NV6"));
    // laid out while its tab was hidden, the graph is fitted again once shown
    waitForGraph();
    assertEquals(Boolean.TRUE, labels().get("fitted"), labels().toString());
    assertEquals("nvlink", driver.findElement(By.id("fabric")).getAttribute("data-route"));
  }

  @Test
  void theGraphDownloadsAsSvgAndPng() throws Exception {
    open(DGX2);
    String svg = (String) js().executeScript("return window.fabricscope.svg();");
    Document doc =
        DocumentBuilderFactory.newDefaultNSInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertEquals("svg", doc.getDocumentElement().getLocalName());
    assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
    long nodes =
        ((Number) js().executeScript("return window.fabricscope.cy.nodes().length;")).longValue();
    assertEquals(nodes, countClass(doc, "node"));
    assertTrue(svg.contains(">GPU0 · "), "full labels in the SVG");
    String png =
        (String)
            js().executeAsyncScript(
                    "var done = arguments[arguments.length - 1];"
                        + " window.fabricscope.png().then(done, function (e) { done('error ' + e); });");
    assertTrue(png.startsWith("data:image/png;base64,"), png.substring(0, 40));
    byte[] bytes = Base64.getDecoder().decode(png.substring(png.indexOf(',') + 1));
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
    assertTrue(
        img.getWidth() > 800 && img.getHeight() > 200, img.getWidth() + "x" + img.getHeight());
    // the buttons save both files
    driver.findElement(By.id("download-svg")).click();
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.id("fabric"), "data-downloaded", DGX2 + "-fabric.svg"));
    driver.findElement(By.id("download-png")).click();
    waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.id("fabric"), "data-downloaded", DGX2 + "-fabric.png"));
  }

  static long countClass(Document doc, String cls) {
    var gs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    long n = 0;
    for (int i = 0; i < gs.getLength(); i++) {
      if (cls.equals(((org.w3c.dom.Element) gs.item(i)).getAttribute("class"))) {
        n++;
      }
    }
    return n;
  }
}
