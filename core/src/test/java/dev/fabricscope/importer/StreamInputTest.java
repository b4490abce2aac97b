package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.HostileArchives;
import dev.fabricscope.topology.Report;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pipe or standard input hands over imports as the same file would: every format, archives
 * staged in a private temporary file that is gone afterwards, the same limits and refusals.
 */
class StreamInputTest {

  @TempDir Path tmp;

  /** One file of each format the import detects. */
  static List<Path> samples() {
    Path f = Fixtures.root();
    return List.of(
        f.resolve("hwloc-xml/nvidiaDGX2.xml"),
        f.resolve("nccl-xml/aws-p4d-24xl-topo.xml"),
        f.resolve("sysfs/ghw-linux-amd64-61797caf7c0b6bca1725ad7975ed4773.lspci-tvnn.txt"),
        Fixtures.sysfs("qemu-rig-iommu.tar.gz"));
  }

  private List<Path> leftovers() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.toList();
    }
  }

  @Test
  void everyFormatFromAStreamIsTheFilesReport() throws Exception {
    for (Path file : samples()) {
      Report fromFile = Importers.load(file, "sample", tmp);
      try (InputStream in = Files.newInputStream(file)) {
        assertEquals(fromFile, Importers.load(in, "sample", tmp), file.toString());
      }
      assertEquals(List.of(), leftovers(), "nothing staged is left: " + file);
    }
  }

  /** {@code --input <(...)}: a FIFO is read as a stream, not refused as "no such file". */
  @Test
  void aPipeIsReadLikeTheFile() throws Exception {
    for (Path file : samples()) {
      Path fifo = tmp.resolve("fifo");
      Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
      assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo");
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try (OutputStream out = Files.newOutputStream(fifo)) {
                  Files.copy(file, out);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      Path base = Files.createDirectories(tmp.resolve("unpack"));
      assertEquals(
          Importers.load(file, "sample", base), Importers.load(fifo, "sample", base), file + "");
      writer.get(10, TimeUnit.SECONDS);
      Files.delete(fifo);
      try (Stream<Path> s = Files.list(base)) {
        assertEquals(List.of(), s.toList(), "nothing staged is left: " + file);
      }
    }
  }

  @Test
  void anEndlessDeviceStopsAtTheLimit() {
    ImportException e =
        assertThrows(
            ImportException.class, () -> Importers.load(Path.of("/dev/zero"), "/dev/zero", tmp));
    assertEquals(
        "/dev/zero: more than the " + Importers.MAX_BYTES + "-byte import limit", e.getMessage());
  }

  @Test
  void aHostileArchiveOnAStreamIsRefusedAndLeavesNothing() throws Exception {
    Path victim = tmp.resolve("victim");
    Path archive =
        HostileArchives.withSysfs(
            Files.createTempFile("hostile", ".tar.gz"), "f:../../victim=owned");
    try (InputStream in = Files.newInputStream(archive)) {
      ImportException e =
          assertThrows(ImportException.class, () -> Importers.load(in, "standard input", tmp));
      assertTrue(e.getMessage().startsWith("standard input: "), e.getMessage());
    } finally {
      Files.delete(archive);
    }
    assertEquals(List.of(), leftovers());
    assertTrue(Files.notExists(victim));
  }

  @Test
  void emptyAndRandomStreamsAreRefusedWithTheirName() {
    ImportException empty =
        assertThrows(
            ImportException.class,
            () -> Importers.load(new ByteArrayInputStream(new byte[0]), "standard input", tmp));
    assertEquals("standard input: the file is empty", empty.getMessage());
    Random r = new Random(5);
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[1 + r.nextInt(2000)];
      r.nextBytes(junk);
      // a random head that happens to start like gzip is staged and refused as an archive
      assertThrows(
          ImportException.class,
          () -> Importers.load(new ByteArrayInputStream(junk), "standard input", tmp),
          "junk " + i);
    }
  }
}
