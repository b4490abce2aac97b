package dev.fabricscope.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.report.ReportValidator;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link CpuBounds} through the whole report check ({@link ReportValidator#parse}: the schema, then
 * the semantic checks), one case per field at and past each bound, on a synthetic host with GPUs
 * written as report JSON: the eleventh security review's reports (a node of 32,768 CPUs, node
 * 2,147,483,647, {@code logicalCpus} 1,000,000) are refused, and every number just inside a bound
 * is accepted. Each case is judged twice: by the whole check, and by {@link TopologyCheck} alone on
 * the report read without the schema, so that every bound holds without the schema's maxima.
 */
class CpuBoundsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A case: what it sets, whether the report stays valid. */
  record Case(String what, Consumer<ObjectNode> edit, boolean valid) {}

  static ObjectNode base() throws Exception {
    return (ObjectNode) JSON.readTree(ReportJson.write(SyntheticHosts.nestedSwitches("cpu", 2)));
  }

  static ObjectNode host(ObjectNode r) {
    return (ObjectNode) r.get("host");
  }

  static ObjectNode node(ObjectNode r, int i) {
    return (ObjectNode) host(r).get("numaNodes").get(i);
  }

  static ObjectNode first(ObjectNode r, String list) {
    return (ObjectNode) r.get(list).get(0);
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    int cpus = CpuBounds.MAX_CPUS;
    int nodes = CpuBounds.MAX_NUMA_NODES;
    c.add(new Case("logicalCpus " + cpus, r -> cpu(r).put("logicalCpus", cpus), true));
    c.add(new Case("logicalCpus " + (cpus + 1), r -> cpu(r).put("logicalCpus", cpus + 1), false));
    c.add(new Case("logicalCpus 1000000", r -> cpu(r).put("logicalCpus", 1_000_000), false));
    c.add(new Case("logicalCpus -1", r -> cpu(r).put("logicalCpus", -1), false));
    c.add(new Case("node id " + (nodes - 1), r -> node(r, 0).put("id", nodes - 1), true));
    c.add(new Case("node id " + nodes, r -> node(r, 0).put("id", nodes), false));
    c.add(new Case("node id 2^31-1", r -> node(r, 0).put("id", Integer.MAX_VALUE), false));
    c.add(
        new Case("node cpulist 0-" + (cpus - 1), r -> node(r, 0).put("cpulist", "0-16383"), true));
    c.add(new Case("node cpulist 0-32767", r -> node(r, 0).put("cpulist", "0-32767"), false));
    c.add(new Case("node cpulist 16384", r -> node(r, 0).put("cpulist", "16384"), false));
    c.add(
        new Case(
            "node cpulist of a 23-digit number",
            r -> node(r, 0).put("cpulist", "0,99999999999999999999999"),
            false));
    c.add(
        new Case(
            "package cpulist 0-16384",
            r -> {
              ArrayNode p = host(r).putArray("packages");
              p.addObject().put("id", 0).put("cpulist", "0-16384");
            },
            false));
    c.add(new Case("pci numaNode -1", r -> first(r, "pci").put("numaNode", -1), true));
    c.add(
        new Case("pci numaNode " + (nodes - 1), r -> first(r, "pci").put("numaNode", 1023), true));
    c.add(new Case("pci numaNode " + nodes, r -> first(r, "pci").put("numaNode", 1024), false));
    c.add(
        new Case(
            "pci localCpulist 0-16384",
            r -> first(r, "pci").put("localCpulist", "0-16384"),
            false));
    c.add(new Case("GPU numaNode 1024", r -> first(r, "gpus").put("numaNode", 1024), false));
    c.add(
        new Case(
            nodes + " NUMA nodes",
            r -> {
              ArrayNode all = host(r).putArray("numaNodes");
              for (int i = 0; i < nodes; i++) {
                all.addObject().put("id", i).put("cpulist", String.valueOf(i));
              }
            },
            true));
    c.add(
        new Case(
            (nodes + 1) + " NUMA nodes",
            r -> {
              ArrayNode all = host(r).putArray("numaNodes");
              for (int i = 0; i <= nodes; i++) {
                all.addObject().put("id", i % nodes).put("cpulist", "0");
              }
            },
            false));
    c.add(
        new Case(
            (nodes + 1) + " CPU packages",
            r -> {
              ArrayNode all = host(r).putArray("packages");
              for (int i = 0; i <= nodes; i++) {
                all.addObject().put("id", i).put("cpulist", String.valueOf(i));
              }
            },
            false));
    return c;
  }

  static ObjectNode cpu(ObjectNode r) {
    return (ObjectNode) host(r).get("cpu");
  }

  @TestFactory
  Stream<DynamicTest> everyBoundHoldsInTheReportCheck() {
    return cases().stream()
        .map(
            k ->
                DynamicTest.dynamicTest(
                    k.what() + (k.valid() ? ": accepted" : ": refused"),
                    () -> {
                      ObjectNode r = base();
                      k.edit().accept(r);
                      byte[] json = JSON.writeValueAsBytes(r);
                      // the semantic check alone, on the report read without the schema: what
                      // imports of hwloc or NCCL XML and collect's discovery meet
                      List<String> problems =
                          TopologyCheck.problems(
                              ReportJson.read(new String(json, StandardCharsets.UTF_8)));
                      assertEquals(k.valid(), problems.isEmpty(), problems.toString());
                      if (k.valid()) {
                        ReportValidator.get().parse(json);
                      } else {
                        ReportValidator.InvalidReport e =
                            assertThrows(
                                ReportValidator.InvalidReport.class,
                                () -> ReportValidator.get().parse(json));
                        assertTrue(
                            e.getMessage().contains("CPU")
                                || e.getMessage().contains("NUMA")
                                || e.getMessage().contains("schema"),
                            e.getMessage());
                      }
                    }));
  }

  /** The semantic check alone (what imports of hwloc or NCCL XML meet): the same bounds. */
  @Test
  void importedReportsMeetTheSameBounds() {
    Report ok = SyntheticHosts.nestedSwitches("cpu", 2);
    Host wide =
        ok.host().withNumaNodes(List.of(new Host.NumaNode(Integer.MAX_VALUE, "0-32767", null)));
    List<String> problems = TopologyCheck.problems(ok.withHost(wide));
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("2147483647 is not below 1024"), problems.toString());
    assertTrue(problems.get(1).contains("names CPU 32767"), problems.toString());
  }

  /** NVML's NUMA node of a GPU is held to the same bound. */
  @Test
  void nvmlNodesAreBoundedToo() {
    Report ok = SyntheticHosts.nestedSwitches("cpu", 2);
    Gpu g = ok.gpus().get(0);
    NvmlGpu nvml = NvmlGpus.onNode(CpuBounds.MAX_NUMA_NODES);
    List<Gpu> gpus = new ArrayList<>(ok.gpus());
    gpus.set(0, g.withNvml(nvml));
    List<String> problems = TopologyCheck.problems(ok.withGpus(gpus));
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("nvml.numaNode 1024 is not below 1024"), problems.toString());
  }

  /** {@link CpuBounds#highest} against the largest digit run as a BigInteger, generated lists. */
  @Test
  void highestIsTheLargestNumberOfAnyList() {
    SplittableRandom r = new SplittableRandom(11);
    Pattern digits = Pattern.compile("\\d+");
    String alphabet = "0123456789,-- x";
    for (int run = 0; run < 5000; run++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(60);
      for (int i = 0; i < len; i++) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String list = b.toString();
      BigInteger want = BigInteger.ONE.negate();
      Matcher m = digits.matcher(list);
      while (m.find()) {
        want = want.max(new BigInteger(m.group()));
      }
      long expected =
          want.compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0
              ? Long.MAX_VALUE
              : want.longValue();
      assertEquals(expected, CpuBounds.highest(list), "'" + list + "'");
    }
    assertEquals(-1, CpuBounds.highest(null));
    assertEquals(23, CpuBounds.highest("0-7,16-23"));
    assertEquals(Long.MAX_VALUE, CpuBounds.highest("9".repeat(40)));
    assertEquals(Long.MAX_VALUE, CpuBounds.highest("9223372036854775807"));
    assertEquals(Long.MAX_VALUE - 1, CpuBounds.highest("9223372036854775806"));
  }
}
