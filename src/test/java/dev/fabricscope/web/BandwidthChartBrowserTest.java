package dev.fabricscope.web;

import static dev.fabricscope.testing.BandwidthClient.event;
import static dev.fabricscope.testing.BandwidthClient.poll;
import static dev.fabricscope.testing.BandwidthClient.queue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The host page's Bandwidth tab draws a path's results over time: the real H200 host's tree ({@code
 * gpu-hosts/h200-passthrough.tar.bz2}) with host-to-GPU copies run through the API and completed as
 * its agent would, each reporting a copy rate that was measured on that machine ({@code
 * gpu-hosts/h200-passthrough.bandwidth.json}: PyTorch pinned and pageable copies). The chart, the
 * results table and a result that arrives over the event stream are held against the fixture and
 * the server's answers.
 */
@QuarkusTest
class BandwidthChartBrowserTest extends BrowserTest {

  /** The API keeps GB/s to two decimals; a fixture value may differ from it by half a step. */
  static final double ROUNDING = 0.005;

  @Override
  String screenshotPrefix() {
    return "bandwidth-";
  }

  /** One measured copy of the fixture: direction, host buffers, bytes and GB/s. */
  record Copy(String kind, boolean pinned, long bytes, double gbps) {}

  static List<Copy> fixtureCopies() throws Exception {
    JsonNode measured =
        new ObjectMapper()
            .readTree(
                Files.readString(
                    Fixtures.root().resolve("gpu-hosts/h200-passthrough.bandwidth.json")));
    List<Copy> copies = new ArrayList<>();
    for (JsonNode r : measured.path("hostToDevice").path("results")) {
      if (r.path("pinned").isBoolean()) {
        copies.add(
            new Copy(
                r.get("kind").asText(),
                r.get("pinned").asBoolean(),
                r.get("bytes").asLong(),
                r.get("GBps").asDouble()));
      }
    }
    return copies;
  }

  static Copy find(List<Copy> copies, String kind, boolean pinned, long bytes) {
    return copies.stream()
        .filter(c -> c.kind().equals(kind) && c.pinned() == pinned && c.bytes() == bytes)
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("fixture lacks " + kind + " " + pinned + " " + bytes));
  }

  /** Queues the copy as a gpu-h2d or gpu-d2h test and completes it as the agent; its id. */
  static long run(String operator, String agent, String host, Copy c) {
    String from = c.kind().equals("h2d") ? "numa:0" : "gpu:0";
    String to = c.kind().equals("h2d") ? "gpu:0" : "numa:0";
    long id =
        queue(
            operator,
            "{\"kind\":\"gpu-"
                + c.kind()
                + "\",\"source\":{\"host\":\""
                + host
                + "\",\"endpoint\":\""
                + from
                + "\"},\"target\":{\"host\":\""
                + host
                + "\",\"endpoint\":\""
                + to
                + "\"},\"size\":"
                + c.bytes()
                + ",\"repetitions\":1,\"pageable\":"
                + !c.pinned()
                + "}");
    assertEquals(
        id,
        ((Number) poll(agent, host, 5).then().statusCode(200).extract().path("jobId")).longValue());
    event(agent, host, id, "{\"type\":\"started\",\"role\":\"run\"}").then().statusCode(200);
    event(
            agent,
            host,
            id,
            "{\"type\":\"result\",\"role\":\"run\",\"samples\":["
                + c.gbps()
                + "],\"helper\":\"torch 2.11 (fixture)\"}")
        .then()
        .statusCode(200);
    return id;
  }

  static JsonPath job(String token, long id) {
    return BandwidthClient.get(token, id).then().statusCode(200).extract().jsonPath();
  }

  JavascriptExecutor js() {
    return (JavascriptExecutor) driver;
  }

  static List<Double> numbers(String json) throws Exception {
    List<Double> out = new ArrayList<>();
    for (JsonNode n : new ObjectMapper().readTree(json)) {
      out.add(n.isNull() ? null : n.asDouble());
    }
    return out;
  }

  @Test
  void chartPlotsTheH200sMeasuredCopiesAndGrowsWithANewResult() throws Exception {
    String operator = ApiClient.token(BandwidthClient.hostName("bw-chart-op"), "operator", null);
    String host = BandwidthClient.hostName("bw-h200");
    importFile(operator, "gpu-hosts/h200-passthrough.tar.bz2", host);
    String agent = ApiClient.token(BandwidthClient.hostName("bw-chart-agent"), "agent", host);
    List<Copy> copies = fixtureCopies();
    // a D2H copy first: another path, so it must stay off the H2D chart shown last
    run(operator, agent, host, find(copies, "d2h", true, 1L << 30));
    // pinned H2D from 4 MiB up, then the 1 GiB pageable copy that reaches a third of the link
    List<Copy> shown = new ArrayList<>();
    for (long bytes : List.of(4L << 20, 16L << 20, 64L << 20, 256L << 20)) {
      shown.add(find(copies, "h2d", true, bytes));
    }
    shown.add(find(copies, "h2d", false, 1L << 30));
    List<Long> ids = new ArrayList<>();
    for (Copy c : shown) {
      ids.add(run(operator, agent, host, c));
    }

    driver.manage().window().setSize(new Dimension(1400, 1000));
    driver.get(url("/hosts/" + host + "#bandwidth"));
    waiting()
        .until(
            d ->
                "true"
                    .equals(
                        d.findElement(By.id("tab-bandwidth")).getDomAttribute("aria-selected")));
    waiting()
        .until(d -> "true".equals(d.findElement(By.id("bw-form")).getDomAttribute("data-ready")));
    WebElement canvas = driver.findElement(By.id("bw-chart"));
    assertEquals(
        "gpu-h2d " + host + " numa:0 → " + host + " gpu:0",
        driver.findElement(By.id("bw-chart-title")).getText());
    assertChart(canvas, operator, shown, ids);
    assertTable(operator, ids);
    Set<String> verdicts = new HashSet<>();
    for (long id : ids) {
      verdicts.add(job(operator, id).getString("verdict"));
    }
    // the pinned copies reach the Gen5 x16 link's copy rate; the pageable one does not
    assertTrue(verdicts.contains("pass") && verdicts.contains("fail"), verdicts.toString());

    // the 1 GiB pinned copy (55.3 GB/s there) arrives while the page is open: a point more, live
    js().executeScript("window.bwNotReloaded = true;");
    Copy live = find(copies, "h2d", true, 1L << 30);
    shown.add(live);
    ids.add(run(operator, agent, host, live));
    String count = String.valueOf(shown.size());
    waiting().until(d -> count.equals(canvas.getDomAttribute("data-points")));
    assertEquals(Boolean.TRUE, js().executeScript("return window.bwNotReloaded === true;"));
    assertChart(canvas, operator, shown, ids);
    assertTable(operator, ids);
    // the chart card at the top of the window for the screenshot taken after this test
    js().executeScript(
            "document.querySelector('.bw-chart').scrollIntoView({block: 'start'});"
                + "window.scrollBy(0, -8);");
  }

  /**
   * Opened on the Fabric tab, the chart is made in a hidden panel (no size); shown by a click, it
   * must take the panel's size and paint its point, not stay a blank canvas.
   */
  @Test
  void chartMadeInTheHiddenTabIsDrawnWhenTheTabIsOpened() throws Exception {
    String operator = ApiClient.token(BandwidthClient.hostName("bw-hidden-op"), "operator", null);
    String host = BandwidthClient.hostName("bw-h200-hidden");
    importFile(operator, "gpu-hosts/h200-passthrough.tar.bz2", host);
    String agent = ApiClient.token(BandwidthClient.hostName("bw-hidden-agent"), "agent", host);
    run(operator, agent, host, find(fixtureCopies(), "h2d", true, 1L << 30));
    driver.manage().window().setSize(new Dimension(1400, 1000));
    driver.get(url("/hosts/" + host));
    waiting()
        .until(d -> "true".equals(d.findElement(By.id("bw-form")).getDomAttribute("data-ready")));
    WebElement canvas = driver.findElement(By.id("bw-chart"));
    assertEquals("1", canvas.getDomAttribute("data-points"));
    driver.findElement(By.id("tab-bandwidth")).click();
    waiting().until(d -> canvas.isDisplayed());
    // the drawn canvas fills its card (260 px high in host.css) and has painted pixels
    waiting()
        .until(
            d ->
                Boolean.TRUE.equals(
                    js().executeScript(
                            "const c = arguments[0];"
                                + "if (c.width < 100 || c.clientHeight < 200) return false;"
                                + "const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                                + "for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;"
                                + "return false;",
                            canvas)));
    assertTrue(
        ((Number) js().executeScript("return arguments[0].clientWidth;", canvas)).intValue() > 600,
        "the chart takes the card's width");
    // one result: its expectation (#d6336c) must show beside the measured dot, not only in the
    // legend above the plot (its top 36 CSS pixels)
    long expectedPixels =
        ((Number)
                js().executeScript(
                        "const c = arguments[0]; const top = Math.ceil(36 * c.height / c.clientHeight);"
                            + "const px = c.getContext('2d').getImageData(0, top, c.width, c.height - top).data;"
                            + "let n = 0;"
                            + "for (let i = 0; i < px.length; i += 4) {"
                            + "  if (Math.abs(px[i] - 214) < 30 && Math.abs(px[i + 1] - 51) < 30"
                            + "      && Math.abs(px[i + 2] - 108) < 30 && px[i + 3] > 60) n++;"
                            + "}"
                            + "return n;",
                        canvas))
            .longValue();
    assertTrue(expectedPixels >= 8, "expected-value pixels in the plot: " + expectedPixels);
  }

  /** One point per job, in run order: the fixture's GB/s as the server kept it, its expectation. */
  void assertChart(WebElement canvas, String token, List<Copy> shown, List<Long> ids)
      throws Exception {
    assertEquals(String.valueOf(shown.size()), canvas.getDomAttribute("data-points"));
    List<Double> measured = numbers(canvas.getDomAttribute("data-measured"));
    List<Double> expected = numbers(canvas.getDomAttribute("data-expected"));
    assertEquals(shown.size(), measured.size());
    assertEquals(shown.size(), expected.size());
    for (int i = 0; i < shown.size(); i++) {
      JsonPath j = job(token, ids.get(i));
      assertEquals(shown.get(i).gbps(), measured.get(i), ROUNDING, "point " + i);
      assertEquals(j.getDouble("measuredGBps"), measured.get(i), 0.0, "point " + i);
      assertEquals(j.getDouble("expectedGBps"), expected.get(i), 0.0, "expected at point " + i);
    }
  }

  /** Every job's row shows the state the server gave it. */
  void assertTable(String token, List<Long> ids) {
    for (long id : ids) {
      String state = job(token, id).getString("state");
      WebElement row = driver.findElement(By.cssSelector("#bw-history tr[data-job='" + id + "']"));
      assertEquals(state, row.findElement(By.cssSelector("td.verdict")).getText(), "job " + id);
    }
  }
}
