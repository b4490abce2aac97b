package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive formats are told apart by their first bytes, whatever the file is called. */
class ArchiveFormatTest {

  @TempDir Path tmp;

  static byte[] tar(String name, byte[] content) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(b)) {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(content.length);
      t.putArchiveEntry(e);
      t.write(content);
      t.closeArchiveEntry();
    }
    return b.toByteArray();
  }

  static byte[] compressed(byte[] data, boolean gzip) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream o =
        gzip ? new GzipCompressorOutputStream(b) : new BZip2CompressorOutputStream(b)) {
      o.write(data);
    }
    return b.toByteArray();
  }

  private Path file(String name, byte[] content) throws IOException {
    return Files.write(tmp.resolve(name), content);
  }

  /** Each format, under a name that says another, decompresses to the same tar stream. */
  @Test
  void eachFormatIsKnownByItsMagicNotItsName() throws IOException {
    byte[] tar = tar("sys/bus/pci/devices/x", "0x10de\n".getBytes(StandardCharsets.US_ASCII));
    for (Path p :
        new Path[] {
          file("plain.tar.gz", tar),
          file("gzip.xml", compressed(tar, true)),
          file("bzip2.tar", compressed(tar, false))
        }) {
      assertTrue(ArchiveFormat.looksLikeArchive(p), p.toString());
      try (InputStream in = ArchiveFormat.decompress(p)) {
        assertArrayEquals(tar, in.readAllBytes(), p.toString());
      }
    }
  }

  /** What the import also accepts (hwloc XML, lspci text) is no archive, nor is a short file. */
  @Test
  void otherInputsAreNoArchive() throws IOException {
    Path xml = Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml");
    Path lspci = file("lspci.txt", "00:00.0 Host bridge: Intel\n".getBytes(StandardCharsets.UTF_8));
    for (Path p :
        new Path[] {
          xml, lspci, file("empty.tar.gz", new byte[0]), file("one", new byte[] {0x1f})
        }) {
      assertFalse(ArchiveFormat.looksLikeArchive(p), p.toString());
      var e =
          assertThrows(ArchiveExtractor.ArchiveException.class, () -> ArchiveFormat.decompress(p));
      assertEquals(p + " is not a .tar, .tar.gz or .tar.bz2 archive", e.getMessage());
    }
    assertFalse(ArchiveFormat.looksLikeArchive(tmp.resolve("missing.tar.gz")));
  }

  /** Random heads: only those that start with a magic are taken, and none throws otherwise. */
  @Test
  void randomHeadsAreJudgedByTheirMagicOnly() throws IOException {
    Random r = new Random(11);
    for (int i = 0; i < 500; i++) {
      byte[] head = new byte[r.nextInt(400)];
      r.nextBytes(head);
      boolean magic =
          (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b)
              || (head.length >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h');
      assertEquals(magic, ArchiveFormat.looksLikeArchive(file("r" + i, head)), "head " + i);
    }
  }
}
