package dev.fabricscope.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every real input passes the semantic checks the server applies; broken ones do not. */
class TopologyCheckTest {

  @Test
  void everyFixturePasses() throws Exception {
    List<Path> inputs = new ArrayList<>(Fixtures.archives());
    for (String dir : List.of("hwloc-xml", "nccl-xml")) {
      try (Stream<Path> s = Files.list(Fixtures.root().resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".xml") && !p.toString().endsWith("graph.xml"))
            .sorted()
            .forEach(inputs::add);
      }
    }
    inputs.add(Fixtures.root().resolve("text/puget-threadripper-pro-wrx90.md"));
    for (Path p : inputs) {
      assertEquals(List.of(), TopologyCheck.problems(Importers.load(p)), p.toString());
    }
    assertTrue(inputs.size() > 30, inputs.size() + " inputs");
  }

  @Test
  void brokenTreesAreReported() {
    Report ok = SyntheticHosts.nestedSwitches("s", 3);
    List<PciFunction> pci = new ArrayList<>(ok.pci());
    pci.add(pci.get(pci.size() - 1)); // a duplicate BDF
    PciFunction a = pci.get(1);
    // a two-function cycle: the switch's upstream port below its own endpoint
    pci.set(1, a.withParent(pci.get(pci.size() - 2).bdf()));
    Report bad =
        new Report(
            1, "t", ok.host(), pci, List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of());
    String problems = TopologyCheck.problems(bad).toString();
    assertTrue(problems.contains("duplicate BDF"), problems);
    assertTrue(problems.contains("parent cycle"), problems);
  }

  @Test
  void devicesOnFunctionsTheReportLacksAreReported() {
    Report ok = SyntheticHosts.nestedSwitches("s", 2);
    String missing = "0000:7f:00.0";
    Gpu gpu = new Gpu(missing, "NVIDIA", "H200", "nvidia", 0, 90);
    Report bad =
        new Report(
            1,
            "t",
            ok.host(),
            ok.pci(),
            List.of(),
            List.of(),
            List.of(),
            List.of(gpu),
            List.of(new NvLink(ok.pci().get(0).bdf(), missing, 2, null)),
            List.of());
    // a GPU on a function not in pci[] was a 500 in every prediction of its host
    // an NVLink may end at a function the report lacks: NCCL's XML names NVSwitches only so
    assertEquals(
        List.of("GPU names " + missing + ", not in the report"), TopologyCheck.problems(bad));
  }

  /**
   * {@code n} functions, function {@code i}'s parent given by {@code parentOf[i]} (-1: a root), in
   * the order {@code order}.
   */
  private static Report tree(int[] parentOf, List<Integer> order) {
    Report host = SyntheticHosts.nestedSwitches("t", 1);
    PciFunction template = host.pci().get(0);
    List<PciFunction> pci = new ArrayList<>();
    for (int i : order) {
      PciFunctionDraft d = PciFunctionDraft.of(template);
      d.bdf = bdf(i);
      d.parent = parentOf[i] < 0 ? null : bdf(parentOf[i]);
      pci.add(d.build());
    }
    return new Report(
        1, "t", host.host(), pci, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  private static String bdf(int i) {
    return String.format("%04x:%02x:%02x.%d", i >> 13, (i >> 5) & 0xff, (i >> 3) & 0x1f, i & 7);
  }

  private static List<Integer> shuffled(int n, Random rnd) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, rnd);
    return order;
  }

  @Test
  void aChainDeeperThanTheBusNumbersAllowIsRefusedInLinearTime() {
    int n = TopologyCheck.MAX_FUNCTIONS;
    int[] chain = new int[n];
    for (int i = 0; i < n; i++) {
      chain[i] = i - 1;
    }
    Report deep = tree(chain, shuffled(n, new Random(1)));
    // the walk was once 20,000²/2 steps: seconds of a server's CPU per hostile report
    List<String> problems =
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> TopologyCheck.problems(deep));
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("PCI chain deeper than 512"), problems.toString());

    int[] limit = new int[TopologyCheck.MAX_DEPTH];
    for (int i = 0; i < limit.length; i++) {
      limit[i] = i - 1;
    }
    assertEquals(
        List.of(), TopologyCheck.problems(tree(limit, shuffled(limit.length, new Random(2)))));
    int[] over = new int[TopologyCheck.MAX_DEPTH + 1];
    for (int i = 0; i < over.length; i++) {
      over[i] = i - 1;
    }
    assertEquals(
        List.of("PCI chain deeper than 512 functions above " + bdf(TopologyCheck.MAX_DEPTH)),
        TopologyCheck.problems(tree(over, shuffled(over.length, new Random(3)))));
  }

  /**
   * Random forests with long chains and cycles, in random order: cycles and over-deep chains are
   * reported exactly when a plain walk from every function (the oracle) finds them.
   */
  @Test
  void generatedTreesAreJudgedAsAPlainWalkJudgesThem() {
    Random rnd = new Random(20261206);
    for (int round = 0; round < 300; round++) {
      int n = 1 + rnd.nextInt(round % 10 == 0 ? 2000 : 300);
      int[] parentOf = new int[n];
      for (int i = 0; i < n; i++) {
        int kind = rnd.nextInt(100);
        parentOf[i] =
            i == 0 || kind < 3
                ? -1
                : kind < 90
                    ? i - 1 // long chains
                    : kind < 99
                        ? rnd.nextInt(i) // a tree
                        : rnd.nextInt(n); // now and then an edge that may close a cycle
      }
      boolean cycle = false;
      boolean deep = false;
      for (int i = 0; i < n; i++) {
        Set<Integer> seen = new HashSet<>();
        int cur = i;
        while (cur >= 0 && seen.add(cur)) {
          cur = parentOf[cur];
        }
        cycle |= cur >= 0;
        deep |= cur < 0 && seen.size() > TopologyCheck.MAX_DEPTH;
      }
      String problems = TopologyCheck.problems(tree(parentOf, shuffled(n, rnd))).toString();
      String what = "round " + round + " of " + n + ": " + problems;
      assertEquals(cycle, problems.contains("parent cycle"), what);
      assertEquals(deep, problems.contains("deeper than"), what);
    }
  }
}
