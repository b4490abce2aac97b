import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sustained report ingest from N concurrent clients (issue 4, acceptance 7). Each client is one
 * agent with its own token and host; every request is a full report of a synthetic host with
 * about FUNCTIONS PCI functions. Mode "unchanged" resends the same bytes (the server's fast
 * path); "changed" alters one field per request, so every request stores a snapshot.
 *
 * <p>Usage: java -cp fabricscope-agent.jar IngestLoad.java URL ADMIN_TOKEN CLIENTS SECONDS MODE
 */
public class IngestLoad {

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String admin = args[1];
    int clients = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    boolean changed = args[4].equals("changed");
    boolean heartbeat = args[4].equals("heartbeat");
    HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    // 120 endpoints under two switch levels: 120 + 2 + 2*8 + 16*... = about 300 functions
    Report base = SyntheticHosts.nestedSwitches("load", 120);
    String[] tokens = new String[clients];
    String[] bodies = new String[clients];
    String run = Long.toString(System.currentTimeMillis(), 36);
    for (int c = 0; c < clients; c++) {
      String host = "load-" + run + "-" + c;
      HttpResponse<String> t =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens"))
                  .header("Authorization", "Bearer " + admin)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(
                      "{\"name\":\"" + host + "\",\"role\":\"agent\",\"host\":\"" + host + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (t.statusCode() != 201) {
        throw new IllegalStateException("token: " + t.statusCode() + " " + t.body());
      }
      String s = t.body();
      int i = s.indexOf("\"secret\":\"") + 10;
      tokens[c] = s.substring(i, s.indexOf('"', i));
      Host h = base.host();
      Report r =
          new Report(1, "synthetic", new Host(host, h.kernelVersion(), "iteration=0",
              h.architecture(), h.cpu(), h.numaNodes()), base.pci(), base.rdma(), base.net(),
              base.nvme(), base.gpus(), base.nvlinks(), base.diagnostics());
      bodies[c] = ReportJson.write(r);
    }
    System.err.printf("report: %d PCI functions, %d bytes%n", base.pci().size(), bodies[0].length());
    byte[][] bodyBytes = new byte[clients][];
    for (int c = 0; c < clients; c++) {
      bodyBytes[c] = bodies[c].getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    String[] beats = new String[clients];
    if (heartbeat) {
      // what an agent does when nothing changed: the full report once, then heartbeats
      for (int c = 0; c < clients; c++) {
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/v1/reports"))
                .header("Authorization", "Bearer " + tokens[c])
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(bodies[c]))
                .build(),
            HttpResponse.BodyHandlers.discarding());
        String host = "load-" + run + "-" + c;
        String hash =
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(bodies[c].getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        beats[c] = "{\"host\":\"" + host + "\",\"contentHash\":\"" + hash + "\"}";
      }
    }
    long warmupEnd = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    long end = warmupEnd + Duration.ofSeconds(seconds).toNanos();
    long[][] lat = new long[clients][];
    int[] count = new int[clients];
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      int id = c;
      lat[id] = new long[1 << 20];
      new Thread(() -> {
        try {
          for (int i = 1; System.nanoTime() < end; i++) {
            String body =
                heartbeat
                    ? beats[id]
                    : changed ? bodies[id].replace("iteration=0", "iteration=" + i) : bodies[id];
            String path = heartbeat ? "/api/v1/reports/heartbeat" : "/api/v1/reports";
            long s = System.nanoTime();
            HttpResponse<Void> r =
                http.send(
                    HttpRequest.newBuilder(URI.create(url + path))
                        .header("Authorization", "Bearer " + tokens[id])
                        .header("Content-Type", "application/json")
                        .POST(
                            heartbeat || changed
                                ? HttpRequest.BodyPublishers.ofString(body)
                                : HttpRequest.BodyPublishers.ofByteArray(bodyBytes[id]))
                        .build(),
                    HttpResponse.BodyHandlers.discarding());
            long e = System.nanoTime();
            if (r.statusCode() / 100 != 2) {
              errors.incrementAndGet();
            } else if (s >= warmupEnd && e <= end && count[id] < lat[id].length) {
              lat[id][count[id]++] = e - s;
            }
          }
        } catch (Exception ex) {
          errors.incrementAndGet();
        } finally {
          done.countDown();
        }
      }).start();
    }
    done.await();
    int total = Arrays.stream(count).sum();
    long[] all = new long[total];
    int k = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(lat[c], 0, all, k, count[c]);
      k += count[c];
    }
    Arrays.sort(all);
    System.out.printf(
        "mode=%s clients=%d seconds=%d reports=%d reports/s=%.0f p50_ms=%.1f p99_ms=%.1f errors=%d%n",
        args[4], clients, seconds, total, total / (double) seconds,
        all.length == 0 ? 0 : all[all.length / 2] / 1e6,
        all.length == 0 ? 0 : all[(int) (all.length * 0.99)] / 1e6, errors.get());
  }
}
