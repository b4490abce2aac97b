package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code collect --fsroot ARCHIVE} stopped by SIGTERM while it unpacks leaves nothing in its folder
 * (fourteenth security review, finding 4: every such stop left up to 512 MiB in {@code /dev/shm}).
 * The shaded jar in a child JVM, as the review ran it, on a valid archive of the fixture plus large
 * zero files, stopped at generated moments of the unpacking.
 */
class FsrootShutdownIT {

  private static final int BIG_FILES = 5;
  private static final long BIG_BYTES = 60L << 20;

  @TempDir Path tmp;
  private Path archive;

  /** The fixture's entries, then five 60 MiB files of zeros: 300 MiB unpacked, 0.3 MiB packed. */
  @BeforeEach
  void bigArchive() throws Exception {
    archive = tmp.resolve("big.tar.gz");
    byte[] buf = new byte[1 << 16];
    try (InputStream in =
            new GzipCompressorInputStream(
                Files.newInputStream(Fixtures.sysfs("qemu-rig-iommu.tar.gz")));
        TarArchiveInputStream src = new TarArchiveInputStream(in);
        OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(archive));
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry e;
      String top = null;
      while ((e = src.getNextEntry()) != null) {
        if (top == null) {
          top =
              e.getName().contains("/")
                  ? e.getName().substring(0, e.getName().indexOf('/') + 1)
                  : "";
        }
        tar.putArchiveEntry(e);
        src.transferTo(tar);
        tar.closeArchiveEntry();
      }
      for (int i = 0; i < BIG_FILES; i++) {
        TarArchiveEntry big = new TarArchiveEntry(top + "zz-big-" + i);
        big.setSize(BIG_BYTES);
        tar.putArchiveEntry(big);
        for (long left = BIG_BYTES; left > 0; left -= buf.length) {
          tar.write(buf, 0, (int) Math.min(buf.length, left));
        }
        tar.closeArchiveEntry();
      }
    }
  }

  private static String list(Path base) throws Exception {
    try (var s = Files.list(base)) {
      return s.map(p -> p.getFileName().toString()).toList().toString();
    }
  }

  @Test
  void aSigtermDuringTheUnpackingLeavesNothing() throws Exception {
    Random rnd = new Random(14_4);
    for (int run = 0; run < 4; run++) {
      Path base = Files.createDirectories(tmp.resolve("base-" + run));
      ProcessBuilder pb =
          CliRunner.agentProcess(tmp, List.of(), "collect", "--fsroot", archive.toString());
      pb.environment().put("FABRICSCOPE_TMPDIR", base.toString()); // as the review ran it
      Process p =
          pb.redirectOutput(tmp.resolve("out-" + run).toFile())
              .redirectError(tmp.resolve("err-" + run).toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (list(base).equals("[]") && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(rnd.nextInt(400 * (run + 1)));
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped");
      assertEquals("[]", list(base), "run " + run + " (exit " + p.exitValue() + ")");
    }
  }
}
