package dev.fabricscope.agent.gather;

import dev.fabricscope.sysfs.SysfsRoot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes what a {@link GatherRecorder} saw as a {@code .tar.gz} whose top folder stands for {@code
 * /} (the layout hwloc-gather-topology uses). Links stay links; files hold the bytes discovery
 * read; files that could not be read are listed in {@link SysfsRoot#UNREADABLE_FILE}. The archive
 * is written to a temporary file beside the target and moved into place, so a failure leaves
 * nothing half-written.
 */
public final class GatherArchive {

  private GatherArchive() {}

  /**
   * @param top the archive's top folder name (the host name, as hwloc-gather-topology does)
   */
  public static void write(Map<String, GatherRecorder.Entry> entries, String top, Path output)
      throws IOException {
    Path dir = output.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".fabricscope-gather-", ".tmp");
    try {
      try (OutputStream fileOut = Files.newOutputStream(tmp)) {
        write(entries, top, fileOut);
      }
      Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes the archive (tar.gz) to {@code out}, which stays open: {@code gather --output -} writes
   * to standard output, for a pipe to another host.
   */
  public static void write(Map<String, GatherRecorder.Entry> entries, String top, OutputStream out)
      throws IOException {
    GzipCompressorOutputStream gz = new GzipCompressorOutputStream(new KeepOpen(out));
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(gz, StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TreeSet<String> dirs = new TreeSet<>();
      StringBuilder unreadable = new StringBuilder();
      for (var e : entries.entrySet()) {
        if (e.getValue() instanceof GatherRecorder.Unreadable) {
          // a row of the list, not a member: it needs no folder, and one behind a link that leaves
          // the root (read through the link's own path) would make the link a folder too
          continue;
        }
        addParents(e.getKey(), dirs);
        if (e.getValue() instanceof GatherRecorder.DirEntry) {
          dirs.add(e.getKey());
        }
      }
      dirs.add("/");
      for (String d : dirs) {
        TarArchiveEntry te = new TarArchiveEntry(name(top, d) + "/", true);
        te.setMode(0755);
        tar.putArchiveEntry(te);
        tar.closeArchiveEntry();
      }
      for (var e : entries.entrySet()) {
        String n = name(top, e.getKey());
        if (e.getValue() instanceof GatherRecorder.FileEntry f) {
          putFile(tar, n, f.content());
        } else if (e.getValue() instanceof GatherRecorder.LinkEntry l) {
          TarArchiveEntry te = new TarArchiveEntry(n, TarArchiveEntry.LF_SYMLINK, true);
          te.setLinkName(l.text());
          tar.putArchiveEntry(te);
          tar.closeArchiveEntry();
        } else if (e.getValue() instanceof GatherRecorder.Unreadable u) {
          unreadable.append(e.getKey()).append('\t').append(u.problem()).append('\n');
        }
      }
      if (unreadable.length() > 0) {
        putFile(
            tar,
            name(top, SysfsRoot.UNREADABLE_FILE),
            unreadable.toString().getBytes(StandardCharsets.UTF_8));
      }
      tar.finish();
    }
    out.flush();
  }

  /** Passes writes through and flushes on close, which the caller's stream does not get. */
  private static final class KeepOpen extends java.io.FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }

  private static void putFile(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    TarArchiveEntry te = new TarArchiveEntry(name, true);
    te.setSize(content.length);
    te.setMode(0644);
    tar.putArchiveEntry(te);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static void addParents(String path, TreeSet<String> dirs) {
    int i = path.lastIndexOf('/');
    while (i > 0) {
      path = path.substring(0, i);
      if (!dirs.add(path)) {
        return;
      }
      i = path.lastIndexOf('/');
    }
  }

  private static String name(String top, String path) {
    return path.equals("/") ? top : top + path;
  }
}
