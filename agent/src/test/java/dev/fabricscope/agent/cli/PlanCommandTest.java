package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.SyntheticHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan}: issue 13's JSON names exactly, the text tables, and bad input as exit 2. */
class PlanCommandTest {

  private static final String LASSEN =
      Fixtures.root().resolve("hwloc-xml/llnl-lassen.xml").toString();

  @Test
  void jsonHasExactlyTheIssuesFields() throws Exception {
    InProcess.Result r =
        InProcess.run("plan", "--input", LASSEN, "--pattern", "gpu-to-nic", "--format", "json");
    assertEquals(0, r.code(), r.err());
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertEquals(List.of("pairing", "flows", "links"), names(root));
    JsonNode p = root.get("pairing").get(0);
    assertEquals(List.of("gpu", "nic", "nvme", "nvidia", "kernel"), names(p));
    assertEquals("0004:04:00.0", p.get("gpu").asText());
    assertEquals("0003:01:00.0", p.get("nic").asText());
    assertEquals("0000:01:00.0", p.get("nvme").asText());
    assertEquals("NODE", p.get("nvidia").asText());
    JsonNode f = root.get("flows").get(0);
    assertEquals(List.of("source", "target", "predictedGBps", "bottleneck"), names(f));
    assertEquals(
        List.of("upstream", "downstream", "capacityGBps", "flows"), names(f.get("bottleneck")));
    assertEquals("0004:04:00.0", f.get("source").asText());
    assertTrue(f.get("predictedGBps").asDouble() > 0);
    assertEquals(
        List.of("upstream", "downstream", "direction", "capacityGBps", "usedGBps"),
        names(root.get("links").get(0)));
  }

  @Test
  void textShowsPairingFlowsAndLinks() {
    InProcess.Result r = InProcess.run("plan", "--input", LASSEN, "--pattern", "gpu-to-host");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Pairing\n"), r.out());
    assertTrue(
        r.out().contains("CUDA_VISIBLE_DEVICES=0 NCCL_IB_HCA=mlx5_0:1 UCX_NET_DEVICES=mlx5_0:1"),
        r.out());
    assertTrue(r.out().contains("0004:04:00.0           -> memory:0"), r.out());
    assertTrue(r.out().contains("\nLinks\n"), r.out());
  }

  @Test
  void ncclXmlIsThePairingsTopologyFile() {
    InProcess.Result r =
        InProcess.run("plan", "--input", LASSEN, "--pattern", "gpu-to-nic", "--format", "nccl-xml");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("<system version=\"1\">"), r.out());
    // Lassen's four NIC functions are all paired: each is a nic of the file
    for (String nic : List.of("0003:01:00.0", "0003:01:00.1", "0033:01:00.0", "0033:01:00.1")) {
      assertTrue(r.out().contains("busid=\"" + nic + "\""), nic + " in " + r.out());
    }
    InProcess.Result bad =
        InProcess.run("plan", "--input", LASSEN, "--pattern", "gpu-to-nic", "--format", "xml");
    assertEquals(2, bad.code());
    assertEquals(
        "fabricscope-agent: --format must be text, json or nccl-xml, not 'xml'\n", bad.err());
  }

  @Test
  void overridesAreChecked() {
    InProcess.Result r =
        InProcess.run("plan", "--input", LASSEN, "--pattern", "gpu-to-host", "--memory-gbps", "-1");
    assertEquals(2, r.code());
    assertEquals(
        "fabricscope-agent: --inter-socket-gbps and --memory-gbps take GB/s from 0.001 to below"
            + " 1000000\n",
        r.err());
    // subnormal and out-of-range values: once "internal error", exit 1 (max-min filling stalled)
    for (String bad : List.of("7e-321", "4.9e-324", "0.0009", "1e6", "0")) {
      for (String option : List.of("--memory-gbps", "--inter-socket-gbps")) {
        InProcess.Result t =
            InProcess.run("plan", "--input", LASSEN, "--pattern", "gpu-to-host", option, bad);
        assertEquals(2, t.code(), option + " " + bad + ": " + t.err());
        assertEquals(r.err(), t.err());
      }
    }
    InProcess.Result least =
        InProcess.run(
            "plan", "--input", LASSEN, "--pattern", "gpu-to-host", "--memory-gbps", "0.001");
    assertEquals(0, least.code(), least.err());
    InProcess.Result missing =
        InProcess.run("plan", "--input", "/nonexistent", "--pattern", "gpu-to-nic");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no such file"), missing.err());
  }

  /**
   * A valid report of 1,000 GPUs, NICs and NVMe each (3,000,000 GPU pairs): the planner's bound,
   * one line and exit 2, where the pairing once took seconds and gigabytes.
   */
  @Test
  void aHostOverThePlannersBoundIsAUsageError(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.json");
    Files.writeString(big, ReportJson.write(SyntheticHosts.nestedSwitches("big", 3000)));
    for (String pattern : List.of("gpu-to-nic", "gpu-to-host")) {
      InProcess.Result r =
          assertTimeoutPreemptively(
              Duration.ofSeconds(20),
              () -> InProcess.run("plan", "--input", big.toString(), "--pattern", pattern));
      assertEquals(2, r.code(), r.err());
      assertEquals(
          "fabricscope-agent: the host has 1000 GPUs, 1000 NICs and 1000 NVMe controllers"
              + " (2000000 GPU pairs to rank); the planner pairs at most 65536 (GPUs × (NICs +"
              + " NVMe controllers))\n",
          r.err());
      assertEquals("", r.out());
    }
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
