package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.HostileArchives;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code --input -} and {@code gather --output -}: a host's files carried over a pipe ({@code ssh
 * host fabricscope-agent gather --output - | fabricscope-agent topo --input -}) give what the same
 * file gives, and leave nothing behind.
 */
class StandardInputIT extends CliRunner {

  private List<Path> left(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void everyFormatOnStandardInputGivesTheFilesVerdicts() throws Exception {
    Path jtmp = Files.createDirectories(tmp.resolve("jtmp"));
    for (Path file :
        List.of(
            Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"),
            Fixtures.root().resolve("nccl-xml/aws-p4d-24xl-topo.xml"),
            Fixtures.sysfs("qemu-rig-iommu.tar.gz"))) {
      Result direct = agent(jtmp, "topo", "--input", file.toString(), "--format", "json");
      assertEquals(0, direct.code(), direct.err());
      Result piped = agentReading(file, jtmp, "topo", "--input", "-", "--format", "json");
      assertEquals(0, piped.code(), piped.err());
      assertEquals(direct.out(), piped.out(), file.toString());
      assertEquals(List.of(), left(jtmp), "nothing staged is left: " + file);
    }
  }

  @Test
  void gatherToStandardOutputThenTopoFromStandardInput() throws Exception {
    Path source = Fixtures.sysfs("qemu-rig-iommu.tar.gz");
    Path jtmp = Files.createDirectories(tmp.resolve("jtmp"));
    Result g = agent(jtmp, "gather", "--output", "-", "--fsroot", source.toString());
    assertEquals(0, g.code(), g.err());
    Path archive = last;
    byte[] head = Files.readAllBytes(archive);
    assertTrue(head.length > 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b, "gzip");
    assertTrue(
        g.err().matches("gathered \\d+ paths \\(\\d+ PCI functions\\) into standard output\\n"),
        g.err());

    Result fromPipe = agentReading(archive, jtmp, "topo", "--input", "-");
    Result fromSource = agent(jtmp, "topo", "--input", source.toString());
    assertEquals(0, fromPipe.code(), fromPipe.err());
    assertEquals(fromSource.out(), fromPipe.out());
    assertEquals(List.of(), left(jtmp));
  }

  @Test
  void aHostileArchiveOnStandardInputIsRefusedAndLeavesNothing() throws Exception {
    Path jtmp = Files.createDirectories(tmp.resolve("jtmp"));
    Path hostile =
        HostileArchives.withSysfs(
            tmp.resolve("dotdot.tar.gz"), "f:sys/../../../../tmp/fabricscope-stdin-dotdot=owned");
    assertBadInput(agentReading(hostile, jtmp, "topo", "--input", "-"), "standard input: ");
    assertEquals(List.of(), left(jtmp));
    assertTrue(Files.notExists(Path.of("/tmp/fabricscope-stdin-dotdot")));
  }

  @Test
  void aNameNotOnTheHostOnStandardInputSaysWhereItLooked() throws Exception {
    Path xml = Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml");
    assertBadInput(
        agentReading(xml, tmp, "explain", "--input", "-", "GPU0", "NOPE"),
        "standard input: no device 'NOPE'");
  }

  @Test
  void emptyStandardInputIsOneLineAndExitTwo() throws Exception {
    Path empty = Files.createFile(tmp.resolve("empty"));
    assertBadInput(agentReading(empty, tmp, "explain", "--input", "-", "GPU0", "GPU1"), "empty");
  }
}
