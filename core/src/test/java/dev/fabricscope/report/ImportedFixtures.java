package dev.fabricscope.report;

import dev.fabricscope.oracle.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real fixture files that the importers turn into reports: hwloc and NCCL XML, lspci text,
 * gathered sysfs archives and the H200 host (not the tools' own oracles beside them).
 */
final class ImportedFixtures {

  private ImportedFixtures() {}

  static List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("hwloc-xml", "nccl-xml", "sysfs", "gpu-hosts")) {
      try (Stream<Path> s = Files.list(Fixtures.root().resolve(dir))) {
        s.filter(ImportedFixtures::importable).sorted().forEach(files::add);
      }
    }
    return files;
  }

  private static boolean importable(Path p) {
    String n = p.getFileName().toString();
    if (n.contains("graph") || n.contains("nvidia-smi") || n.endsWith(".console")) {
      return false; // NCCL graph dumps, nvidia-smi's XML and hwloc's text oracles are no topology
    }
    return n.endsWith(".xml")
        || n.endsWith(".tar.gz")
        || n.endsWith(".tar.bz2")
        || n.endsWith("lspci-tvnn.txt");
  }
}
