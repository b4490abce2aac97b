package dev.fabricscope.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds hostile .tar.gz archives for the extractor and CLI tests. */
public final class HostileArchives {

  private HostileArchives() {}

  /**
   * {@code hostile/bzip2-bomb-4GiB.tar.bz2} of core/src/testFixtures/resources (see the README
   * there): 3 KB of bzip2 holding a tar whose one entry declares and holds 4 GiB of zero bytes.
   */
  public static Path bzip2Bomb() {
    URL url = HostileArchives.class.getResource("/hostile/bzip2-bomb-4GiB.tar.bz2");
    if (url == null) {
      throw new IllegalStateException(
          "hostile/bzip2-bomb-4GiB.tar.bz2 is not on the test class path");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes entries: "d:name" a folder, "f:name=content" a file, "l:name->target" a symlink,
   * "h:name->target" a hard link, "c:name" a character device, "b:name" a block device, "p:name" a
   * FIFO, "S:name" a GNU sparse file.
   */
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
          case 'h' -> {
            int arrow = body.indexOf("->");
            TarArchiveEntry te =
                new TarArchiveEntry(body.substring(0, arrow), TarArchiveEntry.LF_LINK, true);
            te.setLinkName(body.substring(arrow + 2));
            tar.putArchiveEntry(te);
            tar.closeArchiveEntry();
          }
          case 'c', 'b', 'p', 'S' -> {
            byte flag =
                switch (e.charAt(0)) {
                  case 'c' -> TarArchiveEntry.LF_CHR;
                  case 'b' -> TarArchiveEntry.LF_BLK;
                  case 'p' -> TarArchiveEntry.LF_FIFO;
                  default -> TarArchiveEntry.LF_GNUTYPE_SPARSE;
                };
            TarArchiveEntry te = new TarArchiveEntry(body, flag, true);
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

  /**
   * The chained-link escape (security issue, finding 1): each link's text stays inside the archive,
   * but resolved on disk {@code x} reaches {@code /}, {@code y} reaches {@code victim}, and the
   * file entry {@code y} is then written through both onto the victim.
   */
  public static Path chainedLinkEscape(Path file, Path victim) throws IOException {
    String deep = "d0/d1/d2/d3/d4/d5/d6/d7";
    String up8 = "../".repeat(8);
    return withSysfs(
        file,
        "d:" + deep,
        "l:" + deep + "/l->" + up8.substring(0, up8.length() - 1),
        "l:x->" + deep + "/l/" + up8 + "..",
        "l:y->x" + victim.toAbsolutePath(),
        "f:y=owned by the archive");
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
