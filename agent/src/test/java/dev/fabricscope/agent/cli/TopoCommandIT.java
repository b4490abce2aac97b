package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@code topo} and {@code explain} run as a user runs them: fixed JSON names, exit codes. */
class TopoCommandIT extends CliRunner {

  static final List<String> PAIR_FIELDS =
      List.of("a", "b", "kernel", "nvidia", "nvidiaPcie", "nccl", "bottleneck", "hops", "reasons");

  @Test
  void jsonHasTheFixedNames() throws Exception {
    Result r =
        agent("topo", "--format", "json", "--input", Fixtures.sysfs("qemu-rig-iommu.tar.gz") + "");
    assertEquals(0, r.code(), r.err());
    JsonNode root = ReportJson.mapper().readTree(r.out());
    JsonNode devices = root.get("devices");
    assertTrue(devices.size() > 0);
    for (JsonNode d : devices) {
      for (String f : List.of("bdf", "kind", "name")) {
        assertTrue(d.has(f), f + " in " + d);
      }
    }
    JsonNode pairs = root.get("pairs");
    assertEquals(devices.size() * (devices.size() - 1) / 2, pairs.size());
    for (JsonNode p : pairs) {
      for (String f : PAIR_FIELDS) {
        assertTrue(p.has(f), f + " in " + p);
      }
      for (String f : List.of("mapType", "distance", "provisional")) {
        assertTrue(p.get("kernel").has(f), f);
      }
      for (String f : List.of("path", "p2p", "gdr")) {
        assertTrue(p.get("nccl").has(f), f);
      }
      assertTrue(p.get("a").asText().matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]"));
      for (JsonNode reason : p.get("reasons")) {
        assertTrue(reason.has("code") && reason.has("message") && reason.has("fix"), reason + "");
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> everyImportableFixtureGivesAMatrix() throws IOException {
    Path root = Fixtures.root();
    List<Path> inputs;
    try (Stream<Path> h = Files.list(root.resolve("hwloc-xml"));
        Stream<Path> n = Files.list(root.resolve("nccl-xml"))) {
      inputs =
          Stream.concat(h, n)
              .filter(p -> p.toString().endsWith(".xml") && !p.toString().endsWith("graph.xml"))
              .sorted()
              .toList();
    }
    return Stream.concat(
            inputs.stream(), Stream.of(root.resolve("text/puget-threadripper-pro-wrx90.md")))
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p.getFileName().toString(),
                    () -> {
                      Result r = agent("topo", "--input", p.toString());
                      assertEquals(0, r.code(), r.err());
                      assertTrue(r.out().contains("Legend:"), r.out());
                    }));
  }

  @Test
  void explainPrintsTheReasoning() throws Exception {
    Result r =
        agent(
            "explain",
            "--input",
            Fixtures.sysfs("qemu-rig-iommu.tar.gz").toString(),
            "nvme0",
            "0000:07:00.0");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Kernel P2PDMA:  NOT_SUPPORTED"), r.out());
    assertTrue(r.out().contains("[HOST_BRIDGE_NOT_ALLOWED]"), r.out());
  }

  @Test
  void badTopoInputIsExitTwo() throws Exception {
    String rig = Fixtures.sysfs("qemu-rig-iommu.tar.gz").toString();
    assertBadInput(agent("topo", "--format", "xml", "--input", rig), "--format");
    assertBadInput(agent("explain", "--input", rig, "nvme0", "gpu9"), "no device 'gpu9'");
    assertBadInput(agent("explain", "--input", rig, "nvme0"), "two devices");
    assertBadInput(
        agent("topo", "--input", Fixtures.root().resolve("text/pytorch-47885.txt").toString()),
        "no lspci tree");
    Path broken = Files.writeString(tmp.resolve("broken.xml"), "<topology><object type=");
    assertBadInput(agent("topo", "--input", broken.toString()), "broken.xml");
  }
}
