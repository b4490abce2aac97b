package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fabricscope.agent.Main;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciTreeParser;
import dev.fabricscope.oracle.TreeAssertions;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every gathered archive with an {@code lspci -tvnn} oracle beside it: {@code collect} succeeds and
 * its PCI tree (functions, parents, vendor:device) is the one pciutils saw in the same tree.
 */
class CollectFixtureTreeTest {

  @TestFactory
  Stream<DynamicTest> treeEqualsLspci() {
    List<Path> withOracle =
        Fixtures.archives().stream()
            .filter(a -> Files.isRegularFile(Fixtures.beside(a, ".lspci-tvnn.txt")))
            .toList();
    assertFalse(withOracle.isEmpty(), "no archive with an .lspci-tvnn.txt oracle in fixtures");
    return withOracle.stream()
        .map(a -> DynamicTest.dynamicTest(Fixtures.stem(a), () -> compare(a)));
  }

  private static void compare(Path archive) throws Exception {
    var oracle = LspciTreeParser.parse(Fixtures.read(Fixtures.beside(archive, ".lspci-tvnn.txt")));
    assertFalse(oracle.isEmpty(), "oracle lists no function");
    Report report = collect(archive);
    TreeAssertions.assertSameTree(oracle, report.pci(), archive.getFileName().toString());
  }

  /** Runs {@code collect --fsroot ARCHIVE} as the CLI does and reads its JSON back. */
  static Report collect(Path archive) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(new String[] {"collect", "--fsroot", archive.toString()}, o, e);
    }
    assertEquals(0, code, "collect failed: " + err.toString(StandardCharsets.UTF_8));
    return ReportJson.read(out.toString(StandardCharsets.UTF_8));
  }
}
