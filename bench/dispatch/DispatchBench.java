import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bandwidth-test dispatch latency (issue 10): the time from an operator's POST
 * /api/v1/bandwidth-tests to the moment the host's agent, waiting in its long poll, has the
 * assignment. One simulated agent polls as the real one does (waitSeconds=25) and posts a result
 * at once, so the host is free for the next job. Jobs are posted one after another, each after the
 * agent is back in its poll. Usage: java DispatchBench.java BASE ADMIN_TOKEN ARCHIVE [JOBS]
 */
public class DispatchBench {

  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final Pattern ID = Pattern.compile("\"(?:id|jobId)\":([0-9]+)");

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String admin = args[1];
    Path archive = Path.of(args[2]);
    int jobs = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    int warmup = 30;
    String host = "bench-dispatch";
    String operator = token(base, admin, "{\"name\":\"bench-op\",\"role\":\"operator\"}");
    String agent =
        token(base, admin, "{\"name\":\"bench-agent\",\"role\":\"agent\",\"host\":\"" + host + "\"}");
    HttpResponse<String> imp =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/imports?host=" + host))
                .header("Authorization", "Bearer " + operator)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(archive)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    check(imp, 201);
    Map<Long, CompletableFuture<Long>> received = new ConcurrentHashMap<>();
    CompletableFuture<Void> polling = new CompletableFuture<>();
    Thread agentThread =
        new Thread(
            () -> {
              try {
                while (true) {
                  polling.complete(null);
                  HttpResponse<String> r =
                      HTTP.send(
                          HttpRequest.newBuilder(
                                  URI.create(base + "/api/v1/agents/" + host + "/jobs?waitSeconds=25"))
                              .header("Authorization", "Bearer " + agent)
                              .GET()
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  long at = System.nanoTime();
                  if (r.statusCode() == 204) {
                    continue;
                  }
                  check(r, 200);
                  long id = id(r.body());
                  received.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(at);
                  HttpResponse<String> ev =
                      HTTP.send(
                          HttpRequest.newBuilder(
                                  URI.create(base + "/api/v1/agents/" + host + "/jobs/" + id + "/events"))
                              .header("Authorization", "Bearer " + agent)
                              .header("Content-Type", "application/json")
                              .POST(
                                  HttpRequest.BodyPublishers.ofString(
                                      "{\"type\":\"result\",\"samples\":[10.0],\"helper\":\"bench\"}"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  check(ev, 200);
                }
              } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
              }
            },
            "agent");
    agentThread.setDaemon(true);
    agentThread.start();
    polling.get(10, TimeUnit.SECONDS);
    String body =
        "{\"kind\":\"host-memcpy\",\"source\":{\"host\":\"" + host + "\",\"endpoint\":\"numa:0\"},"
            + "\"target\":{\"host\":\"" + host + "\",\"endpoint\":\"numa:0\"},\"size\":\"64M\"}";
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < warmup + jobs; i++) {
      Thread.sleep(30); // the agent is back in its poll (result posted, next poll sent)
      long t0 = System.nanoTime();
      HttpResponse<String> created =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/bandwidth-tests"))
                  .header("Authorization", "Bearer " + operator)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      check(created, 201);
      long id = id(created.body());
      long at = received.computeIfAbsent(id, k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
      if (i >= warmup) {
        millis.add((at - t0) / 1e6);
      }
    }
    Collections.sort(millis);
    System.out.printf(
        "| %d jobs | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n",
        millis.size(),
        pct(millis, 50),
        pct(millis, 90),
        pct(millis, 99),
        millis.get(millis.size() - 1),
        millis.stream().mapToDouble(Double::doubleValue).average().orElse(0));
  }

  static double pct(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  static String token(String base, String admin, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/tokens"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    check(r, 201);
    Matcher m = Pattern.compile("\"secret\":\"([^\"]+)\"").matcher(r.body());
    m.find();
    return m.group(1);
  }

  static long id(String body) {
    Matcher m = ID.matcher(body);
    if (!m.find()) {
      throw new IllegalStateException("no id in " + body);
    }
    return Long.parseLong(m.group(1));
  }

  static void check(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(
          r.request().uri() + ": " + r.statusCode() + " " + r.body());
    }
  }
}
