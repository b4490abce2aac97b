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

  /**
   * A valid input too large for the heap (seventh security review: `topo` of 1,000 GPUs and 1,000
   * NICs in 512 MiB printed an OutOfMemoryError's stack trace, exit 1) is one line and exit 2.
   */
  @Test
  void anInputTooLargeForTheHeapIsOneLineAndExitTwo() throws Exception {
    Path big = tmp.resolve("big.json");
    Files.writeString(
        big, ReportJson.write(dev.fabricscope.topology.SyntheticHosts.nestedSwitches("big", 1500)));
    for (String format : List.of("text", "json")) {
      Result r = agentWithJvm(List.of("-Xmx48m"), "topo", "--format", format, "--input", big + "");
      assertBadInput(r, "out of memory");
    }
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

  /** The H200 host's gathered tree: topo's first part is the host's own nvidia-smi text. */
  @Test
  void topoOfTheH200TreeStartsWithItsNvidiaSmiOutput() throws Exception {
    Path dir = Fixtures.root().resolve("gpu-hosts");
    Result r = agent("topo", "--input", dir.resolve("h200-passthrough.tar.bz2").toString());
    assertEquals(0, r.code(), r.err());
    String real = Files.readString(dir.resolve("h200-passthrough.nvidia-smi-topo-m.txt"));
    assertTrue(r.out().startsWith(real), r.out());
  }

  /**
   * Every name form gives the same explanation as the BDFs hwloc's XML places those names on
   * (llnl-lassen.xml: cuda0 and mlx5_1 under their PCI objects): topo labels, hwloc names, RDMA
   * names, lspci's and nvidia-smi's spellings of the BDF.
   */
  @Test
  void explainTakesTheNamesTopoPrintsAndHwlocNames() throws Exception {
    String lassen = Fixtures.root().resolve("hwloc-xml/llnl-lassen.xml").toString();
    String xml = Files.readString(Path.of(lassen));
    String gpu = parentBusid(xml, "cuda0");
    String nic = parentBusid(xml, "mlx5_1");
    Result byBdf = agent("explain", "--input", lassen, gpu, nic);
    assertEquals(0, byBdf.code(), byBdf.err());
    // the sides are named by topo's labels too
    assertTrue(byBdf.out().startsWith("GPU0 " + gpu + " gpu"), byBdf.out());
    assertTrue(byBdf.out().contains("  <->  NIC1 " + nic + " "), byBdf.out());
    String upper = "0000" + gpu.toUpperCase(java.util.Locale.ROOT);
    for (List<String> pair :
        List.of(
            List.of("GPU0", "NIC1"),
            List.of("nvml0", "mlx5_1"),
            List.of("cuda0", "NIC1"),
            List.of(upper, "mlx5_1"))) {
      Result r = agent("explain", "--input", lassen, pair.get(0), pair.get(1));
      assertEquals(0, r.code(), pair + " " + r.err());
      assertEquals(byBdf.out(), r.out(), pair.toString());
    }
  }

  @Test
  void unknownOrAmbiguousNamesAreExitTwoListingWhatIsAccepted() throws Exception {
    String lassen = Fixtures.root().resolve("hwloc-xml/llnl-lassen.xml").toString();
    assertBadInput(agent("explain", "--input", lassen, "GPU0", "NIC9"), "no device 'NIC9'");
    assertBadInput(agent("explain", "--input", lassen, "GPU0", "NIC9"), "an RDMA device (mlx5_0)");
    assertBadInput(agent("explain", "--input", lassen, "01:00.0", "GPU0"), "is ambiguous");
  }

  /** The pci_busid of the object holding OS device {@code name} in an hwloc XML. */
  static String parentBusid(String xml, String name) {
    int at = xml.indexOf("name=\"" + name + "\"");
    int obj = xml.lastIndexOf("pci_busid=\"", at);
    assertTrue(at > 0 && obj > 0, name);
    return xml.substring(obj + 11, xml.indexOf('"', obj + 11));
  }
}
