package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.bandwidth.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code bandwidth} as a user runs it: the shaded jar, our C library inside it, real copies. */
class BandwidthCommandIT extends CliRunner {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void hostMemcpyPrintsTheDocumentedJson() throws Exception {
    Path jtmp = Files.createDirectories(tmp.resolve("jtmp"));
    Result r =
        agent(
            jtmp,
            "bandwidth",
            "--kind",
            "host-memcpy",
            "--source",
            "numa:0",
            "--target",
            "numa:0",
            "--size",
            "4M",
            "--repeat",
            "7",
            "--threads",
            "2",
            "--format",
            "json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    List<String> fields = new ArrayList<>();
    j.fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of(
            "kind",
            "source",
            "target",
            "bytes",
            "measuredGBps",
            "expectedGBps",
            "verdict",
            "bottleneck",
            "samples",
            "helper",
            "basis",
            "flows"),
        fields);
    assertEquals("host-memcpy", j.get("kind").asText());
    assertEquals(4L << 20, j.get("bytes").asLong());
    assertEquals(7, j.get("samples").size());
    List<Double> samples = new ArrayList<>();
    j.get("samples").forEach(s -> samples.add(s.asDouble()));
    assertEquals(
        Math.round(Samples.median(samples) * 100) / 100.0, j.get("measuredGBps").asDouble(), 0.011);
    assertTrue(j.get("measuredGBps").asDouble() > 0.1, r.out());
    assertEquals("unknown", j.get("verdict").asText());
    assertEquals("fabricscope-membw 2", j.get("helper").asText());
    try (var left = Files.list(jtmp)) {
      assertEquals(List.of(), left.toList(), "files left in the agent's temp dir");
    }
  }

  @Test
  void textNamesMeasuredExpectedAndVerdict() throws Exception {
    Result r = agent("bandwidth", "--kind", "host-memcpy", "--size", "1M", "--repeat", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("host-memcpy numa:0 -> numa:0, 1M x 3\nmeasured   "), r.out());
    assertTrue(r.out().contains("\nverdict    unknown\n"), r.out());
  }

  @Test
  void capabilitiesListBothHelpers() throws Exception {
    Result r = agent("bandwidth", "--capabilities", "--format", "json");
    assertEquals(0, r.code(), r.err());
    JsonNode caps = JSON.readTree(r.out());
    assertEquals("membw", caps.get(0).get("name").asText());
    assertTrue(caps.get(0).get("present").asBoolean());
    assertEquals("nvme-read", caps.get(1).get("name").asText());
    // present only where sysfs shows NVMe namespaces; absent says why, never fails
    assertTrue(
        caps.get(1).get("present").asBoolean()
            || caps.get(1).get("detail").asText().startsWith("no NVMe namespace on this host"),
        caps.get(1).toString());
    assertEquals("cuda", caps.get(2).get("name").asText());
  }

  @Test
  void gpuKindsWithoutADriverSayItInOneLine() throws Exception {
    JsonNode caps = JSON.readTree(agent("bandwidth", "--capabilities", "--format", "json").out());
    Assumptions.assumeFalse(caps.get(2).get("present").asBoolean(), "this host has a CUDA driver");
    for (String kind : List.of("gpu-h2d", "gpu-d2h", "gpu-bidir", "gpu-d2d", "gpu-p2p")) {
      Result r = agent("bandwidth", "--kind", kind, "--size", "1M");
      assertEquals(1, r.code(), kind + ": " + r.err());
      assertEquals("", r.out());
      String err = r.err().strip();
      assertFalse(err.contains("\n") || err.contains("Exception"), err);
      assertTrue(
          err.startsWith("fabricscope-agent: " + kind + ": no CUDA driver on this host"), err);
    }
  }

  /** Hostile values in every field are refused as bad input before any helper runs. */
  @Test
  void injectionAttemptsAreBadInput() throws Exception {
    String[][] bad = {
      {"--kind", "host-memcpy;id"},
      {"--kind", "host-memcpy", "--source", "numa:0;rm -rf /"},
      {"--kind", "host-memcpy", "--target", "$(id)"},
      {"--kind", "host-memcpy", "--target", "`id`"},
      {"--kind", "host-memcpy", "--size", "1M\nid"},
      {"--kind", "host-memcpy", "--size", "--output=/etc/x"},
      {"--kind", "host-memcpy", "--threads", "--output=/etc/x"},
      {"--kind", "host-memcpy", "--repeat", "1e3"},
      {"--kind", "host-memcpy", "--size", "64G"},
      {"--kind", "host-memcpy", "--threads", "300"},
      {"--kind", "gpu-h2d", "--target", "gpu:0 --output=/etc/x"},
      {"--kind", "gpu-d2h", "--pageable=yes"},
      {"--kind", "gpu-d2d", "--pageable"},
      {"--kind", "host-memcpy", "--format", "xml"},
      {"--kind", "host-memcpy", "--timeout", "0"},
      {"--kind", "nvme-read", "--source", "/dev/nvme0n1"},
      {"--kind", "nvme-read", "--source", "0000:03:00.0", "--also", "0000:04:00.0=numa:0;id"},
      {"--kind", "nvme-read", "--source", "0000:03:00.0", "--also", "--output=/etc/x"},
      {"--kind", "nvme-read", "--source", "0000:03:00.0", "--also", "0000:03:00.0=numa:0"},
      {"--kind", "gpu-h2d", "--also", "numa:0=gpu:1"},
    };
    for (String[] args : bad) {
      String[] full = new String[args.length + 1];
      full[0] = "bandwidth";
      System.arraycopy(args, 0, full, 1, args.length);
      Result r = agent(full);
      assertBadInput(r, "");
      assertFalse(r.err().contains("measured"), String.join(" ", args));
    }
  }

  /**
   * The two sides of a TCP test on one line each: --listen prints where, --peer runs against it.
   */
  @Test
  void tcpListenAndPeerOnLoopback() throws Exception {
    Assumptions.assumeTrue(
        new ProcessBuilder("sh", "-c", "command -v iperf3").start().waitFor() == 0,
        "iperf3 is not installed here (apt-get install iperf3)");
    String jar = System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process listener =
        new ProcessBuilder(
                javaBin,
                "-jar",
                jar,
                "bandwidth",
                "--kind",
                "tcp",
                "--source",
                "addr:127.0.0.1",
                "--target",
                "addr:127.0.0.1",
                "--duration",
                "2",
                "--listen",
                "--format",
                "json")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (var lines =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                listener.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      JsonNode ready = new ObjectMapper().readTree(lines.readLine());
      String where = ready.path("listening").asText();
      assertTrue(where.startsWith("127.0.0.1:"), where);
      Result client =
          agent(
              "bandwidth",
              "--kind",
              "tcp",
              "--source",
              "addr:127.0.0.1",
              "--target",
              "addr:127.0.0.1",
              "--duration",
              "2",
              "--peer",
              where,
              "--format",
              "json");
      assertEquals(0, client.code(), client.err());
      JsonNode r = new ObjectMapper().readTree(client.out());
      assertEquals("tcp", r.path("kind").asText());
      assertTrue(r.path("measuredGBps").asDouble() > 0, client.out());
      assertTrue(r.path("helper").asText().startsWith("iperf3"), client.out());
      // the listener measured the same stream and ends with its own result
      assertTrue(listener.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(0, listener.exitValue());
      JsonNode server = new ObjectMapper().readTree(lines.readLine());
      assertTrue(server.path("measuredGBps").asDouble() > 0, server.toString());
    } finally {
      listener.destroyForcibly();
    }
  }

  @Test
  void twoSidedKindsNeedTheirSide() throws Exception {
    assertBadInput(
        agent(
            "bandwidth",
            "--kind",
            "tcp",
            "--source",
            "addr:127.0.0.1",
            "--target",
            "addr:127.0.0.1"),
        "--peer ADDR:PORT is required");
    assertBadInput(agent("bandwidth", "--kind", "host-memcpy", "--listen"), "--listen is for");
    assertBadInput(
        agent(
            "bandwidth",
            "--kind",
            "tcp",
            "--source",
            "addr:127.0.0.1",
            "--target",
            "addr:127.0.0.1",
            "--peer",
            "127.0.0.1:1;id"),
        "is not ADDR:PORT");
    assertBadInput(
        agent(
            "bandwidth",
            "--kind",
            "tcp",
            "--source",
            "addr:127.0.0.1",
            "--target",
            "addr:127.0.0.1",
            "--peer",
            "--output=/etc/x:80"),
        "--peer");
  }
}
