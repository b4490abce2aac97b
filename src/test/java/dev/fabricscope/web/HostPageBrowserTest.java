package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The host page's graph on big fabrics (issue 14): opened fitted with no label drawn below 10 px,
 * NVLinks drawn and taken by NV# pairs, search, keyboard and matrix cells; the downloads are {@link
 * HostGraphDownloadBrowserTest}. Hosts: {@link BigHostBrowserTest}.
 */
@QuarkusTest
class HostPageBrowserTest extends BigHostBrowserTest {

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
}
