package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.H200Memcpy;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
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
 * The plan page's prediction panel in headless Chromium (issue 13's plan UI): a list of one's own
 * flows, built with the pickers, and the capacity overrides, for the saved version and for unsaved
 * edits (the preview); a flow the server refuses is explained.
 *
 * <p>The host is the NCCL topology of an AWS p4d.24xlarge ({@code nccl-xml/aws-p4d-24xl-topo.xml}):
 * NUMA node 0 holds switches 0 and 1, node 1 switches 2 ({@value #SWITCH}) and 3; each switch two
 * A100s and one EFA NIC; every link Gen3 x16, 13.59 GB/s usable per direction. Worked by hand: GPU
 * {@value #GPU0} → the network through its switch's EFA {@value #NIC}, alone, 13.59; with GPU
 * {@value #GPU1} → the same EFA, 13.59 / 2 = 6.80 each; every GPU → host memory with 2 GB/s of
 * memory per NUMA node, four GPUs a node: 0.50 each; with the EFA moved under {@value #SWITCH} (the
 * other socket) and 3 GB/s between sockets, GPU {@value #GPU0} → the network through it: 3.00.
 */
@QuarkusTest
class PlanPagePredictionBrowserTest extends PlanPageBrowserBase {

  static final String HOST = "plan-flows-p4d";
  static final String GPU0 = "0000:10:1c.0";
  static final String GPU1 = "0000:10:1d.0";
  static final String NIC = "0000:10:1b.0";
  static final String SWITCH = "ffff:ff:03.0";

  static String operator;

  @Override
  String screenshotPrefix() {
    return "plan-flows-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("plan-flows-operator-" + System.nanoTime(), "operator", null);
      importFile(operator, "nccl-xml/aws-p4d-24xl-topo.xml", HOST);
    }
  }

  @Test
  void ownFlowsAndCapacitiesForTheVersionAndForUnsavedEdits() {
    long id = ApiClient.createPlan(operator, HOST, "flows");
    driver.get(url("/plans/" + id));
    waitReady(0);
    assertTrue(!driver.findElement(By.id("custom-flows-form")).isDisplayed());

    // a list of one's own: empty at first, then one flow, then two sharing the EFA's link
    new Select(driver.findElement(By.id("pattern"))).selectByValue("custom");
    waitReady(0);
    assertTrue(driver.findElement(By.id("custom-flows-form")).isDisplayed());
    assertTrue(text("flows").contains("No flows in your list yet"), text("flows"));
    addFlow(GPU0, "network:" + NIC);
    assertEquals(
        GPU0 + ">network:" + NIC, driver.findElement(By.id("custom-flows")).getAttribute("value"));
    predict();
    assertEquals(List.of("13.59"), rates());
    addFlow(GPU1, "network:" + NIC);
    predict();
    assertEquals(List.of("6.80", "6.80"), rates());

    // the capacity of host memory, with the ready pattern: the default (nothing measured) …
    new Select(driver.findElement(By.id("pattern"))).selectByValue("gpu-to-host");
    waitReady(0);
    waiting().until(d -> text("prediction-memory").equals("memory: 60.09 GB/s per node (default)"));
    // … and one's own
    driver.findElement(By.id("memory-gbps")).sendKeys("2");
    driver.findElement(By.id("capacities-apply")).click();
    waiting().until(d -> rates().size() == 8 && rates().stream().allMatch("0.50"::equals));
    assertEquals("memory: 2.00 GB/s per node (override)", text("prediction-memory"));
    driver.findElement(By.id("memory-gbps")).clear();

    // unsaved edits: the EFA moved to the other socket, 3 GB/s between sockets, one flow
    new Select(driver.findElement(By.id("move-device"))).selectByValue(NIC);
    new Select(driver.findElement(By.id("move-to"))).selectByValue(SWITCH);
    driver.findElement(By.id("move-add")).click();
    waitReady(1);
    new Select(driver.findElement(By.id("pattern"))).selectByValue("custom");
    driver.findElement(By.id("custom-flows")).clear();
    driver.findElement(By.id("custom-flows")).sendKeys(GPU0 + ">network:" + NIC);
    driver.findElement(By.id("inter-socket-gbps")).sendKeys("3");
    driver.findElement(By.id("capacities-apply")).click();
    waiting().until(d -> List.of("3.00").equals(rates()));
    assertTrue(
        text("flows").contains("inter-socket"),
        "the socket link is the bottleneck: " + text("flows"));

    // a flow the server cannot read: its words, the rates left as they were
    driver.findElement(By.id("custom-flows")).sendKeys("\nmemory:0>somewhere");
    predict(false);
    WebElement error = driver.findElement(By.id("prediction-error"));
    assertTrue(error.isDisplayed());
    assertTrue(
        error.getText().startsWith("Not predicted") && error.getText().contains("somewhere"),
        error.getText());
    assertEquals(List.of("3.00"), rates());
    assertEquals(1, driver.findElements(By.cssSelector("#edits li")).size());
    // Chromium logs the 400 answer as a console error: that one, and nothing else
    List<LogEntry> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .toList();
    assertEquals(1, severe.size(), severe.toString());
    assertTrue(severe.get(0).getMessage().contains("400"), severe.toString());
  }

  /**
   * Node 0's memory measured at 9.75 GB/s (the H200 VM's 1-thread copy, played through the agent
   * API), node 1's the default 60.09: every GPU → its node's memory gives node 0's four GPUs 9.75 /
   * 4 = 2.44 each; node 1's four stay at their switch uplink's 13.59 / 2 = 6.80, below 60.09 / 4.
   */
  @Test
  void theHostsMeasuredMemoryIsNamedUnderThePrediction() throws Exception {
    String host = "plan-flows-measured-" + System.nanoTime();
    importFile(operator, "nccl-xml/aws-p4d-24xl-topo.xml", host);
    String agent = ApiClient.token("plan-flows-agent-" + System.nanoTime(), "agent", host);
    long job =
        H200Memcpy.run(operator, agent, host, "numa:0", 1, H200Memcpy.copyGBps(1), "measured");
    long id = ApiClient.createPlan(operator, host, "measured");
    driver.get(url("/plans/" + id));
    waitReady(0);
    // gpu-to-nic reaches no host memory, and nothing was measured on node 1: node 0 alone
    assertEquals("memory: node 0 9.75 GB/s (measured, job " + job + ")", text("prediction-memory"));
    new Select(driver.findElement(By.id("pattern"))).selectByValue("gpu-to-host");
    waiting()
        .until(
            d ->
                text("prediction-memory")
                    .equals(
                        "memory: node 0 9.75 GB/s (measured, job "
                            + job
                            + "), node 1 60.09 GB/s (default)"));
    assertEquals(
        List.of("2.44", "2.44", "2.44", "2.44", "6.80", "6.80", "6.80", "6.80"),
        rates().stream().sorted().toList());
  }

  void addFlow(String from, String to) {
    new Select(driver.findElement(By.id("flow-from"))).selectByValue(from);
    new Select(driver.findElement(By.id("flow-to"))).selectByValue(to);
    driver.findElement(By.id("flow-add")).click();
  }

  void predict() {
    predict(true);
  }

  void predict(boolean ok) {
    driver.findElement(By.id("flows-predict")).click();
    if (ok) {
      waitReady(
          Integer.parseInt(driver.findElement(By.id("plan-page")).getAttribute("data-edits")));
    } else {
      waiting()
          .until(
              ExpectedConditions.attributeToBe(By.id("plan-page"), "data-refused", "prediction"));
    }
  }

  /**
   * The predicted GB/s of every flow, as the table shows them: read in one script, since the table
   * is redrawn while a wait polls it (element by element, a cell could go stale between the two).
   */
  @SuppressWarnings("unchecked")
  List<String> rates() {
    return (List<String>)
        ((org.openqa.selenium.JavascriptExecutor) driver)
            .executeScript(
                "return Array.from(document.querySelectorAll('#flows td.gbps'),"
                    + " function (td) { return td.innerText.trim(); });");
  }
}
