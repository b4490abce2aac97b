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
    return write(file, withBase(hostile));
  }

  private static String[] withBase(String... hostile) {
    String[] base = {"d:sys", "d:sys/bus", "d:sys/bus/pci", "d:sys/bus/pci/devices"};
    String[] all = new String[base.length + hostile.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(hostile, 0, all, base.length, hostile.length);
    return all;
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

  /**
   * {@code count} folder entries {@code x<i>/c/c/…/c}, {@code depth} components of {@code width}
   * characters below each {@code x<i>}, after a {@code sys/} folder; names past 100 bytes as GNU
   * long names, as GNU tar writes them. With 300 × 2,040 × 1 (names just under 4,096) the plan once
   * made 1.25 GB of implied folder names from 7 KB of .tar.gz.
   */
  public static Path deepFolders(Path file, int count, int depth, int width) throws IOException {
    String tail = ("/" + "c".repeat(width)).repeat(depth) + "/";
    try (RawTar tar = RawTar.gzip(file)) {
      tar.entry("sys/", '5', new byte[0]);
      for (int i = 0; i < count; i++) {
        String name = "x" + i + tail;
        if (name.length() > 100) {
          tar.entry("././@LongLink", 'L', (name + "\0").getBytes(StandardCharsets.UTF_8));
        }
        tar.entry(name, '5', new byte[0]);
      }
    }
    return file;
  }

  /**
   * As {@link #withSysfs} for "d:", "f:" and "l:" entries, written by {@link RawTar#pax}: fast for
   * names and link texts of any length (commons-compress's writer is quadratic in them).
   */
  public static Path paxWithSysfs(Path file, String... entries) throws IOException {
    try (RawTar tar = RawTar.gzip(file)) {
      for (String e : withBase(entries)) {
        String body = e.substring(2);
        switch (e.charAt(0)) {
          case 'd' -> tar.pax(body.endsWith("/") ? body : body + "/", '5', null, new byte[0]);
          case 'f' -> {
            int eq = body.indexOf('=');
            byte[] content = body.substring(eq + 1).getBytes(StandardCharsets.UTF_8);
            tar.pax(body.substring(0, eq), '0', null, content);
          }
          case 'l' -> {
            int arrow = body.indexOf("->");
            tar.pax(body.substring(0, arrow), '2', body.substring(arrow + 2), new byte[0]);
          }
          default -> throw new IllegalArgumentException(e);
        }
      }
    }
    return file;
  }

  /**
   * A {@code sys/} folder, then one extension header of type {@code type} ({@code L}, {@code K},
   * {@code x} or {@code g}) that declares and holds {@code size} bytes, then a file. Hundreds of
   * megabytes gzip to a few hundred kilobytes; commons-compress reads such a header whole.
   */
  public static Path extensionBomb(Path file, char type, long size) throws IOException {
    try (RawTar tar = RawTar.gzip(file)) {
      tar.entry("sys/", '5', new byte[0]);
      if (type == 'x' || type == 'g') {
        tar.paxRecord(type, "path", size);
      } else {
        tar.filled("././@LongLink", type, size, (byte) 'a');
      }
      tar.entry("sys/f", '0', "1".getBytes(StandardCharsets.US_ASCII));
    }
    return file;
  }

  /** A {@code sys/} folder, then {@code count} GNU long names in a row before one file. */
  public static Path longNameChain(Path file, int count) throws IOException {
    try (RawTar tar = RawTar.gzip(file)) {
      tar.entry("sys/", '5', new byte[0]);
      for (int i = 0; i < count; i++) {
        tar.entry("././@LongLink", 'L', ("sys/name" + i + "\0").getBytes(StandardCharsets.UTF_8));
      }
      tar.entry("sys/f", '0', "1".getBytes(StandardCharsets.US_ASCII));
    }
    return file;
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
