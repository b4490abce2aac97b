package dev.fabricscope.web;

import static dev.fabricscope.testing.BandwidthClient.event;
import static dev.fabricscope.testing.BandwidthClient.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Concurrent flows from the Bandwidth tab: an nvme-read of the rig's two NVMe controllers at once
 * (the rig of {@code sysfs/qemu-rig-plain}, the run of {@code
 * docs/evidence/nvme-concurrent-rig.txt} in miniature) is started with "Also at once", the server
 * receives both flows, the agent's result is posted as the agent would, and the page shows each
 * flow beside what the server expects of it. A malformed "Also at once" starts nothing.
 */
@QuarkusTest
class BandwidthFlowsBrowserTest extends BrowserTest {

  @Override
  String screenshotPrefix() {
    return "bandwidth-flows-";
  }

  @Test
  void twoNvmeReadsAtOnceStartFromTheTabAndShowPerFlow() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("bw-flows");
    String operator = rig.operator();
    String host = rig.host();
    String agent = rig.agent();

    driver.manage().window().setSize(new Dimension(1400, 1000));
    driver.get(url("/hosts/" + host + "#bandwidth"));
    waiting()
        .until(d -> "true".equals(d.findElement(By.id("bw-form")).getDomAttribute("data-ready")));
    new Select(driver.findElement(By.id("bw-kind"))).selectByVisibleText("nvme-read");
    set("bw-source", "0000:03:00.0");
    set("bw-target", "numa:0");
    set("bw-size", "64M");
    set("bw-repeat", "2");
    set("bw-token", operator);

    // not SOURCE=TARGET: refused on the page, nothing queued
    set("bw-also", "0000:04:00.0");
    driver.findElement(By.id("bw-start")).click();
    waiting()
        .until(
            d -> "refused".equals(d.findElement(By.id("bw-status")).getDomAttribute("data-state")));
    assertTrue(
        driver.findElement(By.id("bw-status")).getText().startsWith("Also at once:"),
        driver.findElement(By.id("bw-status")).getText());
    assertEquals(204, poll(agent, host, 0).then().extract().statusCode(), "nothing was queued");

    set("bw-also", "0000:04:00.0=numa:0");
    driver.findElement(By.id("bw-start")).click();
    JsonPath assignment = poll(agent, host, 10).then().statusCode(200).extract().jsonPath();
    long id = assignment.getLong("jobId");
    assertEquals("nvme-read", assignment.getString("kind"));
    assertEquals(
        List.of(Map.of("source", "0000:04:00.0", "target", "numa:0")),
        assignment.getList("concurrent"));
    event(agent, host, id, "{\"type\":\"started\",\"role\":\"run\"}").then().statusCode(200);
    // the rig's measured shares (docs/evidence/nvme-concurrent-rig.txt): 1.95 and 2.06 GB/s
    event(
            agent,
            host,
            id,
            "{\"type\":\"result\",\"role\":\"run\",\"samples\":[4.0,4.01],"
                + "\"flowSamples\":[[1.9,2.0],[2.06,2.06]],\"helper\":\"fabricscope-nvme-read 2\"}")
        .then()
        .statusCode(200);

    waiting()
        .until(d -> "2".equals(d.findElement(By.id("bw-flows")).getDomAttribute("data-count")));
    JsonPath job = BandwidthClient.get(operator, id).then().statusCode(200).extract().jsonPath();
    List<WebElement> rows = driver.findElements(By.cssSelector("#bw-flows tbody tr"));
    assertEquals(2, rows.size());
    for (int i = 0; i < 2; i++) {
      List<WebElement> cells = rows.get(i).findElements(By.tagName("td"));
      String f = "result.flows[" + i + "].";
      assertEquals(
          job.getString(f + "source") + " → " + job.getString(f + "target"),
          cells.get(0).getText());
      assertEquals(
          String.format("%.2f", job.getDouble(f + "measuredGBps")), cells.get(1).getText());
      assertEquals(
          String.format("%.2f", job.getDouble(f + "expectedGBps")), cells.get(2).getText());
      assertEquals(Objects.toString(job.getString(f + "bottleneck"), ""), cells.get(3).getText());
    }
    assertEquals("0000:03:00.0", job.getString("result.flows[0].source"));
    assertEquals(1.95, job.getDouble("result.flows[0].measuredGBps"), 1e-9);
    // the history row says the test ran more than one flow
    WebElement row =
        waiting()
            .until(d -> d.findElement(By.cssSelector("#bw-history tr[data-job='" + id + "']")));
    assertTrue(row.getText().contains("+ 1 at once"), row.getText());
  }

  private void set(String id, String value) {
    WebElement e = driver.findElement(By.id(id));
    e.clear();
    e.sendKeys(value);
  }
}
