import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The driver of bench/graph-page-bench.sh (a single-file program: {@code java GraphPageBench.java
 * ...}, with the server's classes, the SyntheticHosts fixture and Selenium on the class path).
 *
 * <ul>
 *   <li>{@code gen DIR N HOST}: writes DIR/HOST.json, SyntheticHosts.nestedSwitches(HOST, N)
 *   <li>{@code graph BASE TOKEN HOST REPEATS}: GET /api/v1/hosts/HOST/graph REPEATS times (after
 *       one untimed request): median, p95 and max milliseconds, whole body read, and its size
 *   <li>{@code page BASE HOST LOADS}: opens /hosts/HOST in headless Chromium (1600×1250, as the
 *       browser tests) LOADS times after one untimed load; per load the page's own navigation start
 *       to laid-out graph ({@code #fabric[data-ready-ms]}, the graph then answers clicks and keys)
 *       and the wall time from the driver's get() to that state; median and max of each
 * </ul>
 */
public class GraphPageBench {

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "gen" -> gen(Path.of(args[1]), Integer.parseInt(args[2]), args[3]);
      case "graph" -> graph(args[1], args[2], args[3], Integer.parseInt(args[4]));
      case "page" -> page(args[1], args[2], Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static void gen(Path dir, int n, String host) throws Exception {
    Method synth =
        Class.forName("dev.fabricscope.topology.SyntheticHosts")
            .getMethod("nestedSwitches", String.class, int.class);
    Method write =
        Class.forName("dev.fabricscope.report.ReportJson")
            .getMethod("write", Class.forName("dev.fabricscope.topology.Report"));
    Files.writeString(dir.resolve(host + ".json"), (String) write.invoke(null, synth.invoke(null, host, n)));
  }

  static void graph(String base, String token, String host, int repeats) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/hosts/" + host + "/graph"))
            .header("Authorization", "Bearer " + token)
            .build();
    long bytes = http.send(req, HttpResponse.BodyHandlers.ofByteArray()).body().length;
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      ms.add((System.nanoTime() - t) / 1e6);
      if (r.statusCode() != 200) {
        throw new IllegalStateException(host + ": HTTP " + r.statusCode());
      }
    }
    Collections.sort(ms);
    System.out.printf(
        "| `/graph` %s | %d | %.1f ms | %.1f ms | %.1f ms | %.1f kB |%n",
        host, repeats, ms.get(ms.size() / 2), ms.get((int) (ms.size() * 0.95)), ms.get(ms.size() - 1),
        bytes / 1000.0);
  }

  static void page(String base, String host, int loads) throws Exception {
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1250");
    ChromeDriverService svc =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
            .build();
    ChromeDriver d = new ChromeDriver(svc, o);
    try {
      List<Long> ready = new ArrayList<>();
      List<Long> wall = new ArrayList<>();
      String shape = "";
      for (int i = 0; i <= loads; i++) {
        long t = System.nanoTime();
        d.get(base + "/hosts/" + host);
        new WebDriverWait(d, Duration.ofSeconds(60))
            .until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-state", "ready"));
        long w = (System.nanoTime() - t) / 1_000_000;
        if (i == 0) {
          shape =
              (String)
                  d.executeScript(
                      "var cy = window.fabricscope.cy; return cy.nodes().length + ' nodes drawn, '"
                          + " + document.getElementById('fabric').dataset.collapsed"
                          + " + ' boxes folded';");
          continue; // the first load fills the browser's cache of the page's script
        }
        ready.add(Long.parseLong(d.findElement(By.id("fabric")).getAttribute("data-ready-ms")));
        if (i == loads) {
          // where the last load's time went: when each API answer was in (ms after navigation)
          shape +=
              "; answers in at "
                  + d.executeScript(
                      "return performance.getEntriesByType('resource').filter(function (e) {"
                          + " return e.name.indexOf('/api/v1/hosts/') >= 0; }).map(function (e) {"
                          + " return e.name.replace(/^.*\\/api\\/v1\\/hosts\\/[^/]+/, '')"
                          + " + ' ' + Math.round(e.responseEnd) + ' ms'; }).join(', ');")
              + "; graph fetched, added, laid out, drawn at "
              + d.executeScript(
                  "var f = document.getElementById('fabric').dataset;"
                      + " return [f.tFetched, f.tAdded, f.tLaidOut, f.tDrawn].join(', ') + ' ms';");
        }
        wall.add(w);
      }
      Collections.sort(ready);
      Collections.sort(wall);
      System.out.printf(
          "| page %s (%s) | %d | %d ms | %d ms | %d ms | %d ms |%n",
          host, shape, loads, ready.get(loads / 2), ready.get(loads - 1), wall.get(loads / 2),
          wall.get(loads - 1));
    } finally {
      d.quit();
    }
  }
}
