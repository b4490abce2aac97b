package dev.fabricscope.agent.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.AgentProcess;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportValidator;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.Report;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent's real JNA binding to NVML, run against the ABI-level double ({@code
 * target/test-native/libnvidia-ml.so.1}) answering with a real host's NVML dump: the H200's answers
 * come back in the report field for field; a host without the library or driver reports "nvml:
 * absent" and still succeeds; the DGX-2's NVLinks come back as the driver would give them.
 */
class NvmlDoubleIT {

  @TempDir Path tmp;

  private AgentProcess.Result agent(Map<String, String> env, boolean withDouble, String... args)
      throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putIfAbsent("FAKE_NVML_DATA", ""); // none inherited: the double answers "not loaded"
    return AgentProcess.run(tmp, withDouble, all, List.of(args));
  }

  private Path h200Tree() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("h200"));
    Process p =
        new ProcessBuilder(
                "tar",
                "-xjf",
                Fixtures.root().resolve("gpu-hosts/h200-passthrough.tar.bz2").toString(),
                "-C",
                dir.toString(),
                "--strip-components=1")
            .inheritIO()
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "tar failed");
    return dir;
  }

  @Test
  void h200AnswersReachTheReportFieldForField() throws Exception {
    Path data = NvmlDoubleData.writeH200(tmp.resolve("h200.nvml"));
    AgentProcess.Result r =
        agent(
            Map.of("FAKE_NVML_DATA", data.toString()),
            true,
            "collect",
            "--nvml",
            "--fsroot",
            h200Tree().toString());
    assertEquals(0, r.code(), r.err());
    JsonNode report = new ObjectMapper().readTree(r.out());
    // the schema (and the checks the server makes) take the report with the driver's answers
    Report parsed = ReportValidator.get().parse(r.out().getBytes(StandardCharsets.UTF_8));
    assertEquals("NVIDIA H200", parsed.gpus().get(0).nvml().productName());
    JsonNode gpu = report.get("gpus").get(0);
    assertEquals("0000:00:06.0", gpu.get("pciFunction").asText());
    JsonNode n = gpu.get("nvml");
    JsonNode d = NvmlDoubleData.h200();
    JsonNode g = d.get("devices").get(0);
    assertEquals(g.get("name").asText(), n.get("productName").asText());
    assertEquals(g.get("uuid").asText(), n.get("uuid").asText());
    assertEquals(g.get("serial").asText(), n.get("serial").asText());
    assertEquals(g.get("boardId").asLong(), n.get("boardId").asLong());
    assertEquals("9.0", n.get("computeCapability").asText());
    assertEquals(90, gpu.get("sm").asInt(), "sm from NVML: sysfs cannot tell it");
    assertEquals(g.get("memoryMiB").get("total").asLong(), n.get("memoryBytes").asLong());
    assertEquals(d.get("driver").asText(), n.get("driverVersion").asText());
    assertEquals(d.get("nvml").asText(), n.get("nvmlVersion").asText());
    assertEquals(d.get("cudaDriver").asInt(), n.get("cudaDriverVersion").asInt());
    assertEquals(g.get("currLinkGen").asInt(), n.get("pcieGenCurrent").asInt());
    assertEquals(g.get("maxLinkGen").asInt(), n.get("pcieGenMax").asInt());
    assertEquals(g.get("gpuMaxLinkGen").asInt(), n.get("pcieGenGpuMax").asInt());
    assertEquals(g.get("currLinkWidth").asInt(), n.get("pcieWidthCurrent").asInt());
    assertEquals(g.get("maxLinkWidth").asInt(), n.get("pcieWidthMax").asInt());
    assertEquals(g.get("replayCounter").asLong(), n.get("pcieReplays").asLong());
    assertTrue(n.get("numaNode").isNull(), "NUMA node: Not Supported in the VM");
    assertEquals("pass-through", n.get("virtualization").asText(), "virtMode 1");
    assertEquals(false, n.get("migEnabled").asBoolean());
    assertEquals(false, n.get("migPending").asBoolean());
    assertEquals(0, n.get("nvlinks").size(), "every NVLink query: Not Supported");
    assertEquals(0, n.get("peers").size(), "one GPU: no pairs");
    for (JsonNode diag : report.get("diagnostics")) {
      assertTrue(!diag.get("path").asText().equals("nvml"), "no NVML diagnostic: " + diag);
    }
  }

  /**
   * A second oracle of the same host: what nvidia-smi -q -x printed there (another tool over the
   * same driver) equals what our binding returns for every field both know.
   */
  @Test
  void h200AnswersEqualNvidiaSmisOwnQueryOfThatHost() throws Exception {
    Path data = NvmlDoubleData.writeH200(tmp.resolve("h200.nvml"));
    AgentProcess.Result r = agent(Map.of("FAKE_NVML_DATA", data.toString()), true, "nvml");
    assertEquals(0, r.code(), r.err());
    JsonNode n = new ObjectMapper().readTree(r.out()).get("gpus").get("0000:00:06.0");
    javax.xml.parsers.DocumentBuilderFactory xml =
        javax.xml.parsers.DocumentBuilderFactory.newDefaultInstance();
    // nvidia-smi names its DTD (nvsmi_device_v13.dtd), which is not beside the file: never loaded
    xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    org.w3c.dom.Document smi =
        xml.newDocumentBuilder()
            .parse(Fixtures.root().resolve("gpu-hosts/h200-passthrough.nvidia-smi-q.xml").toFile());
    java.util.function.Function<String, String> tag =
        t -> smi.getElementsByTagName(t).item(0).getTextContent().strip();
    assertEquals(tag.apply("product_name"), n.get("productName").asText());
    assertEquals(tag.apply("uuid"), n.get("uuid").asText());
    assertEquals(tag.apply("serial"), n.get("serial").asText());
    assertEquals(Long.decode(tag.apply("board_id")), n.get("boardId").asLong());
    assertEquals(tag.apply("driver_version"), n.get("driverVersion").asText());
    int cuda = n.get("cudaDriverVersion").asInt();
    assertEquals(tag.apply("cuda_version"), cuda / 1000 + "." + cuda % 1000 / 10);
    assertEquals(tag.apply("pci_bus_id").toLowerCase(), "0000" + "0000:00:06.0");
    assertEquals(tag.apply("max_link_gen"), n.get("pcieGenMax").asText());
    assertEquals(tag.apply("current_link_gen"), n.get("pcieGenCurrent").asText());
    assertEquals(tag.apply("max_link_width"), n.get("pcieWidthMax").asText() + "x");
    assertEquals(tag.apply("current_link_width"), n.get("pcieWidthCurrent").asText() + "x");
    assertEquals(tag.apply("replay_counter"), n.get("pcieReplays").asText());
    // fb_memory_usage/total, in whole MiB as nvidia-smi prints it
    assertEquals(tag.apply("total"), (n.get("memoryBytes").asLong() >> 20) + " MiB");
    assertEquals(tag.apply("virtualization_mode").toLowerCase(), n.get("virtualization").asText());
    assertEquals("Disabled", tag.apply("current_mig"));
    assertEquals(false, n.get("migEnabled").asBoolean());
    assertEquals("Disabled", tag.apply("pending_mig"));
    assertEquals(false, n.get("migPending").asBoolean());
  }

  @Test
  void noDriverIsAbsentNotAFailure() throws Exception {
    Path tree = h200Tree();
    // the double without data answers like a host whose driver is not loaded
    AgentProcess.Result noDriver =
        agent(Map.of(), true, "collect", "--nvml", "--fsroot", tree.toString());
    assertEquals(0, noDriver.code(), noDriver.err());
    assertTrue(
        noDriver.out().contains("\"nvml: absent (nvmlInit: Driver Not Loaded)\""), noDriver.out());
    // this machine: no libnvidia-ml at all
    AgentProcess.Result noLibrary =
        agent(Map.of(), false, "collect", "--nvml", "--fsroot", tree.toString());
    assertEquals(0, noLibrary.code(), noLibrary.err());
    assertTrue(noLibrary.out().contains("nvml: absent (libnvidia-ml not found"), noLibrary.out());
    JsonNode gpu = new ObjectMapper().readTree(noLibrary.out()).get("gpus").get(0);
    assertTrue(gpu.get("nvml").isNull());
    AgentProcess.Result nvml = agent(Map.of(), false, "nvml");
    assertEquals(0, nvml.code(), nvml.err());
    assertTrue(
        new ObjectMapper().readTree(nvml.out()).get("absent").asText().contains("not found"));
  }

  @Test
  void anotherHostsTreeIsNeverMixedWithThisHostsDriver() throws Exception {
    Path data = NvmlDoubleData.writeH200(tmp.resolve("h200.nvml"));
    Map<String, String> env = Map.of("FAKE_NVML_DATA", data.toString());
    String archive = Fixtures.root().resolve("gpu-hosts/h200-passthrough.tar.bz2").toString();
    for (AgentProcess.Result r :
        List.of(
            agent(env, true, "collect", "--fsroot", archive),
            agent(env, true, "collect", "--fsroot", h200Tree().toString()),
            agent(env, true, "collect", "--no-nvml"))) {
      assertEquals(0, r.code(), r.err());
      assertTrue(!r.out().contains("\"nvml\":{"), "nothing asked");
      assertTrue(!r.out().contains("nvml: absent"), "nothing asked, nothing absent");
    }
    AgentProcess.Result both = agent(env, true, "collect", "--nvml", "--no-nvml");
    assertEquals(2, both.code());
    assertEquals("fabricscope-agent: --nvml and --no-nvml exclude each other", both.err().strip());
  }

  @Test
  void dgx2NvLinksComeBackAsTheDriverGivesThem() throws Exception {
    Path data = NvmlDoubleData.writeDgx2Pair(tmp.resolve("dgx2.nvml"));
    AgentProcess.Result r = agent(Map.of("FAKE_NVML_DATA", data.toString()), true, "nvml");
    assertEquals(0, r.code(), r.err());
    JsonNode gpus = new ObjectMapper().readTree(r.out()).get("gpus");
    Report hwloc = Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    for (String bdf : List.of("0000:34:00.0", "0000:36:00.0")) {
      JsonNode g = gpus.get(bdf);
      assertEquals("7.0", g.get("computeCapability").asText());
      // per NVSwitch: as many active NVLink-2 links as hwloc's NVLinkBandwidth counts
      Map<String, Integer> ours = new HashMap<>();
      for (JsonNode l : g.get("nvlinks")) {
        assertTrue(l.get("active").asBoolean());
        assertEquals(2, l.get("version").asInt());
        assertEquals("nvswitch", l.get("remoteType").asText());
        ours.merge(l.get("remoteBusId").asText(), 1, Integer::sum);
      }
      Map<String, Integer> theirs = new HashMap<>();
      for (NvLink l : NvmlDoubleData.linksOf(hwloc, bdf)) {
        theirs.put(l.a().equals(bdf) ? l.b() : l.a(), l.count());
      }
      assertEquals(theirs, ours, bdf);
      JsonNode peer = g.get("peers").get(0);
      assertEquals("ok", peer.get("nvlink").asText());
      assertEquals("single", peer.get("commonAncestor").asText());
    }
    assertNull(new ObjectMapper().readTree(r.out()).get("absent").textValue());
  }
}
