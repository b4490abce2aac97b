package dev.fabricscope.agent.cli;

import static dev.fabricscope.testing.HostileTrees.OUTSIDE_DEVICE;
import static dev.fabricscope.testing.HostileTrees.OUTSIDE_MARK;
import static dev.fabricscope.testing.HostileTrees.OUTSIDE_VENDOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.HostileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code collect} and {@code gather} on the security review's prepared tree (a host bridge folder
 * that is an absolute link out of the root, a FIFO {@code device}, a 1 GiB sparse {@code config}):
 * both finish promptly with exit 0 and diagnostics, as for any unreadable file, and neither the
 * report nor the archive holds anything from outside the root.
 */
class CollectGatherHostileTreeTest {

  private static final Duration PROMPT = Duration.ofSeconds(60);
  private static final List<String> MARKS = List.of(OUTSIDE_VENDOR, OUTSIDE_DEVICE, OUTSIDE_MARK);

  @TempDir Path tmp;
  private Path root;

  @BeforeEach
  void tree() throws Exception {
    root = tmp.resolve("fsr");
    HostileTrees.reviewTree(root, tmp.resolve("outside"));
  }

  @Test
  void collectReportsWhatItRefusedAndNothingFromOutside() {
    var r =
        assertTimeoutPreemptively(PROMPT, () -> InProcess.run("collect", "--fsroot", "" + root));
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertNoOutsideContent(r.out());
    assertTrue(r.out().contains("link /sys/devices/pci0000:00 leaves the root"), r.out());
    assertTrue(r.out().contains("not a regular file"), r.out());
    assertTrue(r.out().contains("larger than 8 MiB"), r.out());
    assertTrue(r.out().contains("\"0x0003\""), "the plain function is still read: " + r.out());
  }

  @Test
  void gatherPacksNothingFromOutsideAndItsArchiveCollectsTheSame() throws Exception {
    Path archive = tmp.resolve("g.tar.gz");
    var r =
        assertTimeoutPreemptively(
            PROMPT, () -> InProcess.run("gather", "--fsroot", "" + root, "--output", "" + archive));
    assertEquals(0, r.code(), r.err());
    Map<String, String> entries = entries(archive);
    entries.forEach((name, content) -> assertNoOutsideContent(name + ": " + content));
    assertTrue(
        entries.keySet().stream().noneMatch(n -> n.contains("/sys/devices/pci0000:00/")),
        "files from behind the link that leaves: " + entries.keySet());
    String unreadable =
        entries.entrySet().stream()
            .filter(e -> e.getKey().endsWith("/.fabricscope-unreadable.tsv"))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElse("");
    assertTrue(unreadable.contains("0000:01:00.0/device\tnot a regular file"), unreadable);
    assertTrue(unreadable.contains("0000:01:01.0/config\tlarger than 8 MiB"), unreadable);
    assertTrue(unreadable.contains("leaves the root"), unreadable);

    var again =
        assertTimeoutPreemptively(PROMPT, () -> InProcess.run("collect", "--fsroot", "" + archive));
    assertEquals(0, again.code(), again.err());
    assertNoOutsideContent(again.out());
    // the archive holds the bus link but nothing behind it: that function's ids are unknown
    assertTrue(again.out().contains("\"0x0003\""), again.out());
    assertTrue(again.out().contains("larger than 8 MiB"), again.out());
  }

  private static void assertNoOutsideContent(String text) {
    for (String mark : MARKS) {
      assertFalse(text.contains(mark), "content from outside the root: " + text);
    }
  }

  /** Entry name to content (files), link text (links) or "" (folders). */
  private static Map<String, String> entries(Path archive) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (InputStream in = Files.newInputStream(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String v =
            e.isSymbolicLink()
                ? "-> " + e.getLinkName()
                : e.isDirectory() ? "" : new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        out.put(e.getName(), v);
      }
    }
    return out;
  }
}
