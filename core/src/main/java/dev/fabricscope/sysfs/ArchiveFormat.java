package dev.fabricscope.sysfs;

import dev.fabricscope.sysfs.ArchiveExtractor.ArchiveException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The formats {@link ArchiveExtractor} reads, told apart by their first bytes, never by the file's
 * name: gzip ({@code 1f 8b}), bzip2 ({@code BZh}) and POSIX tar ({@code ustar} at offset 257).
 */
final class ArchiveFormat {

  /** Bytes read to tell the formats apart: the tar magic ends at offset 262. */
  private static final int HEAD = 265;

  private ArchiveFormat() {}

  static boolean looksLikeArchive(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return isArchive(in.readNBytes(HEAD));
    } catch (IOException e) {
      return false;
    }
  }

  static boolean isArchive(byte[] head) {
    return isGzip(head) || isBzip2(head) || isTar(head);
  }

  /** The archive's tar stream, decompressed where its magic says so. */
  static InputStream decompress(Path archive) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
    raw.mark(HEAD + 35);
    byte[] head = raw.readNBytes(HEAD);
    raw.reset();
    if (isGzip(head)) {
      return new GzipCompressorInputStream(raw, true);
    }
    if (isBzip2(head)) {
      return new BZip2CompressorInputStream(raw, true);
    }
    if (isTar(head)) {
      return raw;
    }
    raw.close();
    throw new ArchiveException(archive + " is not a .tar, .tar.gz or .tar.bz2 archive");
  }

  private static boolean isGzip(byte[] h) {
    return h.length >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b;
  }

  private static boolean isBzip2(byte[] h) {
    return h.length >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h';
  }

  private static boolean isTar(byte[] h) {
    return h.length >= 262 && new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
  }
}
