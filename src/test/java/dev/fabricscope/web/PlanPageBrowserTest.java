package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 13 acceptance 4 in headless Chromium: open a host, "Plan from this host", move a NIC under
 * another switch, see the verdict and the prediction change, save the plan, reload, compare with
 * the host.
 *
 * <p>The host is the NCCL topology of an AWS p4d.24xlarge ({@code nccl-xml/aws-p4d-24xl-topo.xml}):
 * four PCIe switches, each with two A100s and one EFA NIC. The EFA {@value #NIC} sits beside GPUs
 * 10:1c.0 and 10:1d.0; moving it under the third switch ({@value #SWITCH}, GPUs 90:1c.0 and
 * 90:1d.0) puts it below a common switch with {@value #GPU_THERE}: the kernel's verdict for that
 * pair becomes BUS_ADDR. Its own GPUs lose their NIC: the pairing sends them to the second switch's
 * EFA, so four GPU→NIC flows share that NIC's link (13.59 GB/s usable, Gen3 x16 as the file gives
 * it) instead of two: {@value #GPU_HERE} drops from 13.59 / 2 = 6.80 to 13.59 / 4 = 3.40 GB/s.
 */
@QuarkusTest
class PlanPageBrowserTest extends PlanPageBrowserBase {

  static final String HOST = "plan-p4d";
  static final String NIC = "0000:10:1b.0";
  static final String SWITCH = "ffff:ff:03.0";
  static final String GPU_THERE = "0000:90:1c.0";
  static final String GPU_HERE = "0000:10:1c.0";

  static String operator;

  @Override
  String screenshotPrefix() {
    return "plan-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("plan-page-operator-" + System.nanoTime(), "operator", null);
      importFile(operator, "nccl-xml/aws-p4d-24xl-topo.xml", HOST);
    }
  }

  @Test
  void planFromHostMoveANicSaveReloadAndCompare() throws Exception {
    String hostKernel =
        given()
            .queryParam("a", GPU_THERE)
            .queryParam("b", NIC)
            .get("/api/v1/hosts/" + HOST + "/paths")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("kernel.mapType");
    assertNotEquals("BUS_ADDR", hostKernel);

    // the host page; this tab has no operator token yet, so the button asks for one
    driver.get(url("/hosts/" + HOST));
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-state", "ready"));
    js().executeScript("sessionStorage.clear()");
    assertFalse(driver.findElement(By.id("plan-token")).isDisplayed());
    driver.findElement(By.id("plan-from-host")).click();
    WebElement token =
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("plan-token")));
    token.sendKeys(operator);
    driver.findElement(By.id("plan-create-submit")).click();
    waiting().until(ExpectedConditions.urlMatches("/plans/[0-9]+$"));
    String planUrl = driver.getCurrentUrl();
    long planId = Long.parseLong(planUrl.substring(planUrl.lastIndexOf('/') + 1));
    waitReady("1", 0);
    assertEquals("fabricscope — plan " + HOST + " plan", driver.getTitle());
    assertTrue(state().contains("version 1"), state());
    assertEquals(1, versionOptions().size());
    // the graph draws the copied host: its GPUs, NICs and switches
    assertTrue(
        DrawnGraph.ids(driver).containsAll(Set.of(NIC, GPU_THERE, GPU_HERE, SWITCH)),
        DrawnGraph.ids(driver).toString());
    // ... as the server's graph of version 1 has them, node for node and edge for edge
    DrawnGraph.assertDrawnIs(
        driver,
        given().get("/api/v1/plans/" + planId + "/versions/1/graph").then().statusCode(200));
    // the names are the server's (nvidia-smi numbers GPUs by bus: 10:1c.0 is the first)
    assertEquals("GPU0", DrawnGraph.nodeData(driver, GPU_HERE, "name"));
    assertTrue(
        DrawnGraph.nodeData(driver, GPU_HERE, "label").startsWith("GPU0 · 10:1c.0"),
        DrawnGraph.nodeData(driver, GPU_HERE, "label"));
    assertEquals("sw:" + SWITCH, DrawnGraph.nodeData(driver, SWITCH, "parent"));
    String nicSwitchBefore = DrawnGraph.switchAbove(driver, NIC);
    assertNotEquals("sw:" + SWITCH, nicSwitchBefore);

    // the pair and the prediction before the edit
    pick(GPU_THERE, NIC);
    String kernelBefore = text("v-kernel");
    assertTrue(kernelBefore.contains(hostKernel), kernelBefore);
    assertEquals("6.80", rate(GPU_HERE));

    // move the NIC under the third switch (its upstream port: the first free downstream port)
    new Select(driver.findElement(By.id("move-device"))).selectByValue(NIC);
    new Select(driver.findElement(By.id("move-to"))).selectByValue(SWITCH);
    driver.findElement(By.id("move-add")).click();
    waitReady("1", 1);
    String kernelAfter = text("v-kernel");
    assertTrue(kernelAfter.contains("BUS_ADDR"), kernelAfter);
    assertNotEquals(kernelBefore, kernelAfter);
    assertEquals("3.40", rate(GPU_HERE));
    assertTrue(state().contains("unsaved"), state());
    List<WebElement> list = driver.findElements(By.cssSelector("#edits li"));
    assertEquals(1, list.size());
    assertEquals("move", list.get(0).getAttribute("data-op"));
    assertTrue(list.get(0).getText().contains(NIC) && list.get(0).getText().contains(SWITCH));
    // the moved NIC is redrawn from the preview's graph: below a downstream port in the third
    // switch's box, the drawing equal to what the server answers for the same edit
    assertEquals("sw:" + SWITCH, DrawnGraph.switchAbove(driver, NIC));
    DrawnGraph.assertDrawnIs(
        driver,
        given()
            .contentType("application/json")
            .body(
                "{\"edits\":[{\"op\":\"move\",\"device\":\""
                    + NIC
                    + "\",\"to\":\""
                    + SWITCH
                    + "\"}]}")
            .post("/api/v1/plans/" + planId + "/preview")
            .then()
            .statusCode(200),
        "graph.");
    // Reset redraws that graph with the edit's mark and the pair's path
    driver.findElement(By.id("zoom-reset")).click();
    waiting()
        .until(
            d ->
                Boolean.TRUE.equals(
                    js().executeScript(
                            "var n = window.fabricscope.cy.getElementById(arguments[0]);"
                                + " return document.getElementById('fabric').dataset.state === 'ready'"
                                + " && n.hasClass('edited') && n.hasClass('path');",
                            NIC)));
    // the edit lists say what the drawn graph says: the port above the NIC now holds it
    String newPort = DrawnGraph.portAbove(driver, NIC);
    assertTrue(
        moveTarget(newPort).contains("holds") && moveTarget(newPort).contains(NIC),
        moveTarget(newPort));
    // the preview saved nothing
    given()
        .get("/api/v1/plans/" + planId)
        .then()
        .statusCode(200)
        .body("latestVersion", org.hamcrest.Matchers.equalTo(1));
    js().executeScript("window.scrollTo(0, 0)");
    BrowserSupport.screenshot(driver, "plan-moved-unsaved");
    assertContrast("the plan page with unsaved edits");

    // save: the token typed on the host page is still in this tab's session storage
    assertEquals(operator, driver.findElement(By.id("plan-token")).getAttribute("value"));
    driver.findElement(By.id("save-note")).sendKeys("EFA beside GPUs 90:1c/90:1d");
    driver.findElement(By.id("save")).click();
    waiting().until(ExpectedConditions.attributeToBe(By.id("save-status"), "data-version", "2"));
    assertTrue(text("save-status").contains("version 2"), text("save-status"));
    waitReady("2", 1);
    given()
        .get("/api/v1/plans/" + planId)
        .then()
        .statusCode(200)
        .body("latestVersion", org.hamcrest.Matchers.equalTo(2))
        .body("versions[1].edits[0].op", org.hamcrest.Matchers.equalTo("move"))
        .body("versions[1].edits[0].device", org.hamcrest.Matchers.equalTo(NIC))
        .body("versions[1].edits[0].to", org.hamcrest.Matchers.equalTo(SWITCH));

    // reload: the saved edit and version come back from the server
    driver.navigate().refresh();
    waitReady("2", 1);
    DrawnGraph.assertDrawnIs(
        driver,
        given().get("/api/v1/plans/" + planId + "/versions/2/graph").then().statusCode(200));
    assertEquals("sw:" + SWITCH, DrawnGraph.switchAbove(driver, NIC));
    assertEquals(
        "2",
        new Select(driver.findElement(By.id("version")))
            .getFirstSelectedOption()
            .getAttribute("value"));
    assertTrue(state().contains("version 2") && state().contains("saved"), state());
    List<WebElement> saved = driver.findElements(By.cssSelector("#edits li"));
    assertEquals(1, saved.size());
    assertTrue(saved.get(0).getText().contains(NIC), saved.get(0).getText());
    assertFalse(saved.get(0).getText().contains("unsaved"), saved.get(0).getText());
    assertEquals("3.40", rate(GPU_HERE));
    pick(GPU_THERE, NIC);
    assertTrue(text("v-kernel").contains("BUS_ADDR"), text("v-kernel"));
    // version 1 is still the host as copied
    new Select(driver.findElement(By.id("version"))).selectByValue("1");
    waitReady("1", 0);
    assertEquals("6.80", rate(GPU_HERE));
    assertTrue(text("v-kernel").contains(hostKernel), text("v-kernel"));
    assertEquals(nicSwitchBefore, DrawnGraph.switchAbove(driver, NIC));
    // the third switch had no free port: the move added the NIC's, so version 1 has none to draw
    // or to move into
    assertFalse(DrawnGraph.ids(driver).contains(newPort), newPort);
    assertTrue(
        driver.findElements(By.cssSelector("#move-to option[value='" + newPort + "']")).isEmpty());
    new Select(driver.findElement(By.id("version"))).selectByValue("2");
    waitReady("2", 1);

    // compare with the host: the pair's verdict and the flow rates that changed
    driver.findElement(By.id("compare")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("compare-panel")));
    WebElement pair =
        driver.findElement(
            By.cssSelector(
                "#compare-pairs tr[data-a='"
                    + GPU_THERE
                    + "'][data-b='"
                    + NIC
                    + "'], #compare-pairs tr[data-a='"
                    + NIC
                    + "'][data-b='"
                    + GPU_THERE
                    + "']"));
    assertEquals(hostKernel, pair.findElement(By.cssSelector(".host-kernel")).getText());
    assertEquals("BUS_ADDR", pair.findElement(By.cssSelector(".plan-kernel")).getText());
    // flows are keyed by source and target: GPU2 keeps its NIC, now shared by four flows
    WebElement gpu2 = compareFlow("0000:20:1c.0", "network:0000:20:1b.0");
    assertTrue(gpu2.getAttribute("class").contains("changed"));
    assertEquals("6.80", gpu2.findElement(By.cssSelector(".host-gbps")).getText());
    assertEquals("3.40", gpu2.findElement(By.cssSelector(".plan-gbps")).getText());
    // GPU0's flow to the moved NIC is gone; the plan sends it to GPU2's NIC
    WebElement gone = compareFlow(GPU_HERE, "network:" + NIC);
    assertEquals("6.80", gone.findElement(By.cssSelector(".host-gbps")).getText());
    assertEquals("—", gone.findElement(By.cssSelector(".plan-gbps")).getText());
    WebElement added = compareFlow(GPU_HERE, "network:0000:20:1b.0");
    assertEquals("—", added.findElement(By.cssSelector(".host-gbps")).getText());
    assertEquals("3.40", added.findElement(By.cssSelector(".plan-gbps")).getText());
    // a flow the move does not touch is listed unchanged
    WebElement same = compareFlow("0000:a0:1c.0", "network:0000:a0:1b.0");
    assertFalse(same.getAttribute("class").contains("changed"));
    BrowserSupport.screenshot(driver, "plan-compared");
    assertContrast("the plan page with the comparison");

    // the plans list, from the nav, links the plan
    driver.findElement(By.cssSelector("header nav a[href='/plans']")).click();
    WebElement row =
        waiting()
            .until(
                ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#plans tr[data-plan='" + planId + "']")));
    assertTrue(row.getText().contains(HOST), row.getText());
    assertContrast("the plans list");
    row.findElement(By.cssSelector("a[href='/plans/" + planId + "']")).click();
    waitReady("2", 1);
  }

  /** A refused edit is shown with the server's reason and leaves the edit list as it was. */
  @Test
  void aRefusedEditIsExplainedAndNotKept() {
    long id = ApiClient.createPlan(operator, HOST, "refusals");
    driver.get(url("/plans/" + id));
    waitReady("1", 0);
    // a switch into itself
    new Select(driver.findElement(By.id("move-device"))).selectByValue(SWITCH);
    new Select(driver.findElement(By.id("move-to"))).selectByValue(SWITCH);
    driver.findElement(By.id("move-add")).click();
    waiting().until(ExpectedConditions.attributeToBe(By.id("plan-page"), "data-refused", "true"));
    assertTrue(driver.findElement(By.id("edit-error")).isDisplayed());
    assertTrue(text("edit-error").contains("edit 1"), text("edit-error"));
    waitReady("1", 0);
    assertTrue(driver.findElements(By.cssSelector("#edits li")).isEmpty());
    // Chromium logs the 422 answer as a console error: that one, and nothing else
    List<LogEntry> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .toList();
    assertEquals(1, severe.size(), severe.toString());
    assertTrue(
        severe.get(0).getMessage().contains("/preview")
            && severe.get(0).getMessage().contains("422"),
        severe.toString());
  }
}
