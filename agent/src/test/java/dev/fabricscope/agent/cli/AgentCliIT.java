package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.BadReports;
import dev.fabricscope.testing.HostileArchives;
import dev.fabricscope.testing.SentinelTree;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs the shaded agent jar as a user would: exit codes, stderr, gather/collect round trips. */
class AgentCliIT extends CliRunner {

  @TestFactory
  Stream<DynamicTest> collectSucceedsOnEveryFixture() throws IOException {
    return Fixtures.archives().stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    Fixtures.stem(a),
                    () -> {
                      Result r = agent("collect", "--fsroot", a.toString());
                      assertEquals(0, r.code(), r.err());
                      Report report = ReportJson.read(r.out());
                      assertEquals(1, report.schemaVersion());
                    }));
  }

  @Test
  void emptyDeviceFoldersGiveDiagnosticsAndExitZero() throws Exception {
    Result r =
        agent("collect", "--fsroot", Fixtures.sysfs("hwloc-nvidiagpunumanodes.tar.bz2") + "");
    assertEquals(0, r.code(), r.err());
    Report report = ReportJson.read(r.out());
    assertTrue(
        report.diagnostics().stream()
            .anyMatch(d -> d.reason().contains("not a link to /sys/devices")),
        "diagnostics: " + report.diagnostics());
  }

  @Test
  void badInputIsOneLineAndExitTwo() throws Exception {
    assertBadInput(agent("collect", "--fsroot", tmp.resolve("nope").toString()), "no such file");
    assertBadInput(agent("collect", "--fsroot", tmp.toString()), "not a sysfs tree");
    Path junk = Files.write(tmp.resolve("junk.tar.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
    assertBadInput(agent("collect", "--fsroot", junk.toString()), "cannot read archive");
    assertBadInput(agent("frobnicate"), "unknown command");
    assertBadInput(agent("collect", "--pretty=yes"), "--pretty takes no value");
    assertBadInput(agent("collect", "--frob"), "unknown option");
    assertBadInput(agent("gather"), "--output");
    Result none = agent();
    assertEquals(2, none.code());
  }

  @TestFactory
  Stream<DynamicTest> hostileArchivesAreRefusedWithoutTrace() throws IOException {
    Path victim = tmp.resolve("victim");
    SentinelTree sentinel = SentinelTree.create(tmp.resolve("sentinel"));
    var sentinelBefore = sentinel.fingerprint();
    List<Path> archives =
        List.of(
            // security issue finding 1: chained links whose text stays inside, then a file
            HostileArchives.chainedLinkEscape(tmp.resolve("chain.tar.gz"), sentinel.victim()),
            // the same chain in an archive that is then refused for having no sys/ folder
            HostileArchives.write(
                tmp.resolve("chain-nosys.tar.gz"),
                "l:l->.",
                "l:x->l/../../../../../../../../../..",
                "l:y->x" + sentinel.victim(),
                "f:y=owned"),
            // finding 2: hard links, devices and FIFOs
            HostileArchives.withSysfs(tmp.resolve("hard.tar.gz"), "h:sys/h->" + sentinel.victim()),
            HostileArchives.withSysfs(tmp.resolve("chr.tar.gz"), "c:sys/tty"),
            HostileArchives.withSysfs(tmp.resolve("fifo.tar.gz"), "p:sys/fifo"),
            HostileArchives.withSysfs(tmp.resolve("abs.tar.gz"), "f:" + victim + "=owned"),
            HostileArchives.withSysfs(tmp.resolve("dotdot.tar.gz"), "f:sys/../../victim=owned"),
            HostileArchives.withSysfs(
                tmp.resolve("link.tar.gz"), "l:sys/evil->" + tmp, "f:sys/evil/victim=owned"),
            HostileArchives.manyEntries(tmp.resolve("many.tar.gz"), 1_000_000),
            HostileArchives.bzip2Bomb());
    return archives.stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.getFileName().toString(),
                    () -> {
                      Path javaTmp =
                          Files.createDirectories(tmp.resolve("jt-" + System.nanoTime()));
                      assertBadInput(
                          agent(javaTmp, "collect", "--fsroot", a.toString()), "refused");
                      assertFalse(Files.exists(victim), "nothing written outside");
                      assertEquals(sentinelBefore, sentinel.fingerprint(), "sentinel unchanged");
                      try (Stream<Path> left = Files.list(javaTmp)) {
                        assertEquals(List.of(), left.toList(), "temp dir removed");
                      }
                    }));
  }

  /** Security issue findings 3 and 5: `topo`/`explain --input` hold report JSON to every check. */
  @TestFactory
  Stream<DynamicTest> badReportJsonIsExit2WithOneLine() {
    return BadReports.cases("h1").entrySet().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.getKey(),
                    () -> {
                      Path f = Files.write(tmp.resolve("bad.json"), c.getValue());
                      assertBadInput(
                          agent("topo", "--input", f.toString()), "not a valid version-1 report");
                    }));
  }

  @Test
  void explainRefusesAnInconsistentReportToo() throws Exception {
    Path f = Files.write(tmp.resolve("cycle.json"), BadReports.cases("h1").get("parent cycle"));
    assertBadInput(
        agent("explain", "--input", f.toString(), "0000:00:00.0", "0000:00:01.0"), "parent cycle");
  }

  @Test
  void gatherThenCollectGivesTheSameReportOnAFixture() throws Exception {
    Path source = Fixtures.sysfs("qemu-rig-iommu.tar.gz");
    Result direct = agent("collect", "--fsroot", source.toString());
    Path gathered = tmp.resolve("rig.tar.gz");
    Result g = agent("gather", "--output", gathered.toString(), "--fsroot", source.toString());
    assertEquals(0, g.code(), g.err());
    Result again = agent("collect", "--fsroot", gathered.toString());
    assertEquals(0, again.code(), again.err());
    assertEquals(ReportJson.read(direct.out()), ReportJson.read(again.out()));
    // gather keeps only what discovery reads: far smaller than the original capture
    assertTrue(Files.size(gathered) < Files.size(source), Files.size(gathered) + " bytes");
  }

  @Test
  void gatherThenCollectGivesTheSameReportOnThisHost() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/bus/pci")), "no /sys/bus/pci here");
    // an archive holds files only, not the driver's answers (NVML is asked on the live host alone)
    Result live = agent("collect", "--no-nvml");
    assertEquals(0, live.code(), live.err());
    Path gathered = tmp.resolve("host.tar.gz");
    Result g = agent("gather", "--output", gathered.toString());
    assertEquals(0, g.code(), g.err());
    Result again = agent("collect", "--fsroot", gathered.toString());
    assertEquals(0, again.code(), again.err());
    assertEquals(ReportJson.read(live.out()), ReportJson.read(again.out()));
  }

  @Test
  void gatherToAMissingFolderLeavesNothing() throws Exception {
    Path target = tmp.resolve("no/such/dir/out.tar.gz");
    assertBadInput(agent("gather", "--output", target.toString()), "does not exist");
    assertFalse(Files.exists(target.getParent()));
  }
}
