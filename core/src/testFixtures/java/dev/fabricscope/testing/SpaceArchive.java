package dev.fabricscope.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes a .tar.gz of folders, files of a given size (zero bytes, streamed: a 64 MiB file costs no
 * 64 MiB of heap) and symlinks, for the space-limit tests. Not thread-safe; close it to finish.
 */
public final class SpaceArchive implements AutoCloseable {

  private static final byte[] ZEROS = new byte[1 << 16];

  private final TarArchiveOutputStream tar;

  public SpaceArchive(Path file) throws IOException {
    OutputStream out = Files.newOutputStream(file);
    tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out));
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  public SpaceArchive dir(String name) throws IOException {
    tar.putArchiveEntry(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true));
    tar.closeArchiveEntry();
    return this;
  }

  public SpaceArchive file(String name, long size) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(size);
    tar.putArchiveEntry(e);
    for (long left = size; left > 0; left -= ZEROS.length) {
      tar.write(ZEROS, 0, (int) Math.min(left, ZEROS.length));
    }
    tar.closeArchiveEntry();
    return this;
  }

  public SpaceArchive link(String name, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
    e.setLinkName(target);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
    return this;
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
