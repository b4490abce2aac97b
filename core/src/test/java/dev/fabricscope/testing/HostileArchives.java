package dev.fabricscope.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds hostile .tar.gz archives for the extractor and CLI tests. */
public final class HostileArchives {

  private HostileArchives() {}

  /** Writes entries: "d:name" a folder, "f:name=content" a file, "l:name->target" a symlink. */
  public static Path write(Path file, String... entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (String e : entries) {
        String body = e.substring(2);
        switch (e.charAt(0)) {
          case 'd' -> {
            // the preserveAbsolutePath flag keeps "/" and ".." names as given: that is the attack
            tar.putArchiveEntry(new TarArchiveEntry(body.endsWith("/") ? body : body + "/", true));
            tar.closeArchiveEntry();
          }
          case 'f' -> {
            int eq = body.indexOf('=');
            byte[] content = body.substring(eq + 1).getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry te = new TarArchiveEntry(body.substring(0, eq), true);
            te.setSize(content.length);
            tar.putArchiveEntry(te);
            tar.write(content);
            tar.closeArchiveEntry();
          }
          case 'l' -> {
            int arrow = body.indexOf("->");
            TarArchiveEntry te =
                new TarArchiveEntry(body.substring(0, arrow), TarArchiveEntry.LF_SYMLINK, true);
            te.setLinkName(body.substring(arrow + 2));
            tar.putArchiveEntry(te);
            tar.closeArchiveEntry();
          }
          default -> throw new IllegalArgumentException(e);
        }
      }
    }
    return file;
  }

  /** A minimal sysfs tree plus the given hostile entries. */
  public static Path withSysfs(Path file, String... hostile) throws IOException {
    String[] base = {"d:sys", "d:sys/bus", "d:sys/bus/pci", "d:sys/bus/pci/devices"};
    String[] all = new String[base.length + hostile.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(hostile, 0, all, base.length, hostile.length);
    return write(file, all);
  }

  /** An archive with {@code count} empty files (1,000,000 makes a ~1.5 MB .tar.gz). */
  public static Path manyEntries(Path file, int count) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      TarArchiveEntry d = new TarArchiveEntry("sys/");
      tar.putArchiveEntry(d);
      tar.closeArchiveEntry();
      for (int i = 0; i < count; i++) {
        TarArchiveEntry te = new TarArchiveEntry("sys/f" + i);
        te.setSize(0);
        tar.putArchiveEntry(te);
        tar.closeArchiveEntry();
      }
    }
    return file;
  }
}
