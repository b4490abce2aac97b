package dev.fabricscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every report that got a 2xx survives a SIGKILL of the server: the packaged server takes reports
 * from several threads, is killed mid-stream, restarted on the same data directory, and every
 * acknowledged snapshot is there with its content.
 */
class ServerDurabilityIT {

  @TempDir Path tmp;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  String createAgent(String url, String host) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens"))
                .header("Authorization", "Bearer " + ServerProcess.ADMIN)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"" + host + "\",\"role\":\"agent\",\"host\":\"" + host + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r.body());
    return json.readTree(r.body()).get("secret").asText();
  }

  @Test
  void acknowledgedReportsSurviveSigkill() throws Exception {
    String template = Files.readString(Path.of("src/test/resources/valid-report.json"));
    Path data = Files.createDirectory(tmp.resolve("data"));
    Map<Long, String> acked = new ConcurrentHashMap<>(); // snapshot id -> "host|marker"
    int threads = 6;
    try (ServerProcess server = new ServerProcess(data, List.of()).start()) {
      String url = server.url();
      String[] tokens = new String[threads];
      for (int t = 0; t < threads; t++) {
        tokens[t] = createAgent(url, "durable-" + t);
      }
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int t = 0; t < threads; t++) {
        int id = t;
        pool.submit(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                String marker = "durable-" + id + "-iteration-" + i;
                String body =
                    template
                        .replace("\"corpus-host\"", "\"durable-" + id + "\"")
                        .replace("intel_iommu=on", "intel_iommu=on " + marker);
                try {
                  HttpResponse<String> r =
                      http.send(
                          HttpRequest.newBuilder(URI.create(url + "/api/v1/reports"))
                              .header("Authorization", "Bearer " + tokens[id])
                              .header("Content-Type", "application/json")
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() == 201) {
                    acked.put(
                        json.readTree(r.body()).get("snapshotId").asLong(),
                        "durable-" + id + "|" + marker);
                  }
                } catch (Exception e) {
                  return; // the server is gone
                }
              }
            });
      }
      Thread.sleep(3000);
      server.kill(); // mid-stream
      stop.set(true);
      pool.shutdown();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
    assertTrue(acked.size() > 20, "only " + acked.size() + " reports acknowledged before the kill");
    try (ServerProcess again = new ServerProcess(data, List.of()).start()) {
      for (Map.Entry<Long, String> e : acked.entrySet()) {
        String host = e.getValue().split("\\|")[0];
        String marker = e.getValue().split("\\|")[1];
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(again.url() + "/api/v1/hosts/" + host + "/snapshots"))
                    .header("Authorization", "Bearer " + ServerProcess.ADMIN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        boolean found = false;
        for (JsonNode s : json.readTree(r.body())) {
          found |= s.get("id").asLong() == e.getKey();
        }
        assertTrue(found, "acknowledged snapshot " + e.getKey() + " of " + host + " lost");
        HttpResponse<String> topo =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(again.url() + "/api/v1/hosts/" + host + "/topology"))
                    .header("Authorization", "Bearer " + ServerProcess.ADMIN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, topo.statusCode());
      }
      System.out.println(
          "durability: " + acked.size() + " acknowledged reports all present after SIGKILL");
    }
  }
}
