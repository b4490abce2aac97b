package dev.fabricscope.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
