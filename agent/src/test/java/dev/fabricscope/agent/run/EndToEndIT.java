package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent built from this tree against the server built from this tree, on loopback: the agent
 * reports the QEMU rig captured without IOMMU, then the same machine with the IOMMU on; the API
 * serves the host, its two snapshots, its P2P matrix and the diff between them. Needs the root
 * build's {@code target/quarkus-app} (the README's test command builds it first).
 */
class EndToEndIT {

  static final String ADMIN = "e2e-admin-secret";
  @TempDir Path tmp;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  final List<Process> processes = new ArrayList<>();

  @Test
  void agentReportsAndTheApiServesHostSnapshotsP2pAndDiff() throws Exception {
    Path serverJar =
        Path.of(
            System.getProperty("fabricscope.serverJar", "../target/quarkus-app/quarkus-run.jar"));
    assertTrue(
        Files.exists(serverJar), serverJar + " missing: run `mvn -B verify` at the root first");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    try (var plain =
            withHostName(ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-plain.tar.gz")));
        var iommu =
            withHostName(ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-iommu.tar.gz")))) {
      Process server =
          start(
              List.of(
                  java(),
                  "-Xmx512m",
                  "-Dquarkus.http.port=" + port,
                  "-Dfabricscope.data-dir=" + tmp.resolve("data"),
                  "-Dfabricscope.admin-token=" + ADMIN,
                  "-Dfabricscope.demo.seed=false",
                  "-jar",
                  serverJar.toString()),
              "server.log");
      await("server ready", () -> status(url + "/q/health/ready", null) == 200, 90);
      String token =
          post(
                  url + "/api/v1/tokens",
                  ADMIN,
                  "{\"name\":\"e2e\",\"role\":\"agent\",\"host\":\"rigvm\"}")
              .get("secret")
              .asText();
      Path tokenFile = Files.writeString(tmp.resolve("token"), token);

      Process agent = agent(url, tokenFile, plain.root(), "agent1.log");
      await("first snapshot", () -> snapshots(url).size() == 1, 60);
      agent.destroy();
      assertTrue(agent.waitFor(15, TimeUnit.SECONDS));
      Process again = agent(url, tokenFile, iommu.root(), "agent2.log");
      await("second snapshot", () -> snapshots(url).size() == 2, 60);
      // the job loop beside the report loop reported this agent's bandwidth helpers: our C
      // library is present, the CUDA driver is not (no GPU here)
      await(
          "capabilities",
          () -> status(url + "/api/v1/agents/rigvm/capabilities", ADMIN) == 200,
          30);
      JsonNode helpers = get(url + "/api/v1/agents/rigvm/capabilities").get("helpers");
      List<String> present = new ArrayList<>();
      for (JsonNode h : helpers) {
        if (h.get("present").asBoolean()) {
          present.add(h.get("name").asText());
        }
      }
      assertTrue(present.contains("membw"), helpers.toString());
      assertFalse(present.contains("cuda"), helpers.toString());
      // a GPU test is refused with the helper's reason; a host copy runs on the agent's C helper
      HttpResponse<String> refused =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/api/v1/bandwidth-tests"))
                  .header("Authorization", "Bearer " + ADMIN)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"kind\":\"gpu-h2d\",\"source\":{\"host\":\"rigvm\","
                              + "\"endpoint\":\"numa:0\"},\"target\":{\"endpoint\":\"gpu:0\"}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(422, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("no CUDA driver on this host"), refused.body());
      String memcpy =
          "{\"kind\":\"host-memcpy\",\"source\":{\"host\":\"rigvm\",\"endpoint\":\"numa:0\"},"
              + "\"target\":{\"endpoint\":\"numa:0\"},\"size\":\"16M\",\"repetitions\":5}";
      JsonNode first = finished(url, post(url + "/api/v1/bandwidth-tests", ADMIN, memcpy));
      // nothing to compare the first host copy with: measured, verdict unknown
      assertEquals("measured", first.get("state").asText(), first.toString());
      assertEquals("unknown", first.get("verdict").asText(), first.toString());
      assertTrue(first.get("measuredGBps").asDouble() > 0, first.toString());
      assertEquals(5, first.get("result").get("samples").size(), first.toString());
      // the second is judged against the first
      JsonNode second = finished(url, post(url + "/api/v1/bandwidth-tests", ADMIN, memcpy));
      assertEquals(
          first.get("measuredGBps").asDouble(),
          second.get("expectedGBps").asDouble(),
          1e-9,
          second.toString());
      assertTrue(
          List.of("passed", "warned", "failed").contains(second.get("state").asText()),
          second.toString());
      again.destroy();

      JsonNode host = get(url + "/api/v1/hosts/rigvm");
      assertEquals("rigvm", host.get("name").asText());
      assertEquals(false, host.get("imported").asBoolean());
      JsonNode p2p = get(url + "/api/v1/hosts/rigvm/p2p");
      int n = p2p.get("devices").size();
      assertEquals(n * (n - 1) / 2, p2p.get("pairs").size());
      JsonNode diff = get(url + "/api/v1/hosts/rigvm/diff");
      List<String> acs = new ArrayList<>();
      for (JsonNode c : diff.get("changes")) {
        if (c.get("kind").asText().equals("ACS_CHANGED")) {
          acs.add(c.get("device").asText());
        }
      }
      // with the IOMMU on, the kernel enabled ACS redirect on the ports that have ACS: the root
      // ports
      assertTrue(
          acs.containsAll(List.of("0000:00:10.0", "0000:00:11.0", "0000:00:12.0")), acs.toString());
      server.destroy();
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }

  static ArchiveExtractor.Unpacked withHostName(ArchiveExtractor.Unpacked u) throws IOException {
    Path h = u.root().resolve("proc/sys/kernel/hostname");
    Files.createDirectories(h.getParent());
    Files.writeString(h, "rigvm\n"); // the rig guest's name (uname.txt beside the captures)
    return u;
  }

  Process agent(String url, Path tokenFile, Path fsroot, String log) throws IOException {
    String jar = System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar");
    return start(
        List.of(
            java(),
            "-Dfabricscope.tmpdir=" + tmp,
            "-jar",
            jar,
            "run",
            "--server",
            url,
            "--token-file",
            tokenFile.toString(),
            "--fsroot",
            fsroot.toString(),
            "--interval",
            "1s",
            "--spool",
            tmp.resolve("spool-" + log).toString()),
        log);
  }

  Process start(List<String> cmd, String log) throws IOException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve(log).toFile())
            .start();
    processes.add(p);
    return p;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  JsonNode snapshots(String url) throws Exception {
    return status(url + "/api/v1/hosts/rigvm", ADMIN) == 200
        ? get(url + "/api/v1/hosts/rigvm/snapshots")
        : json.createArrayNode();
  }

  /** Waits for a bandwidth test to end and returns it. */
  JsonNode finished(String url, JsonNode job) throws Exception {
    String at = url + "/api/v1/bandwidth-tests/" + job.get("id").asText();
    JsonNode[] last = {job};
    await(
        "test " + job.get("id").asText() + " to end",
        () -> {
          last[0] = get(at);
          return List.of(
                  "passed", "warned", "failed", "measured", "error", "cancelled", "timed-out")
              .contains(last[0].get("state").asText());
        },
        90);
    return last[0];
  }

  int status(String url, String token) {
    try {
      var b = HttpRequest.newBuilder(URI.create(url));
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + ADMIN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return json.readTree(r.body());
  }

  JsonNode post(String url, String token, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r.body());
    return json.readTree(r.body());
  }

  void await(String what, Check cond, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (cond.test()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + what + "; logs in " + tmp);
  }

  interface Check {
    boolean test() throws Exception;
  }
}
