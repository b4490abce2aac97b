package dev.fabricscope.sysfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Reads one file for {@link SysfsRoot}: regular files only, to EOF (sysfs reports 4096 as the size
 * of every attribute, whatever it holds), and at most {@value #MAX_BYTES} bytes.
 */
final class FileReads {

  /**
   * The most one read takes. Sysfs attributes are at most a page and PCI config space 4096 bytes,
   * but procfs files such as {@code /proc/cpuinfo} reach about 1 MB on machines with thousands of
   * CPUs; 8 MiB leaves room for those and still bounds what a prepared tree (a 1 GiB sparse {@code
   * config}) can make the agent hold.
   */
  static final int MAX_BYTES = 8 << 20;

  /** Buffers larger than this are not kept per thread (most reads are a few bytes). */
  private static final int KEEP_BYTES = 1 << 20;

  static final String IS_LINK = "is a link, not a file";
  static final String IS_DIRECTORY = "is a directory, not a file";

  /** Problems that say what the path is, not that the host could not read it. */
  static final Set<String> NOT_UNREADABLE = Set.of(RootWalk.MISSING, IS_LINK, IS_DIRECTORY);

  private static final ThreadLocal<ByteBuffer> BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(8192));

  private FileReads() {}

  /** Reads {@code p}; a final link is never followed. */
  static SysfsRoot.Read<byte[]> read(Path p) {
    try {
      // a FIFO would block open() until a writer comes, a device could be anything: look first
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink()) {
        return problem(IS_LINK);
      }
      if (a.isDirectory()) {
        return problem(IS_DIRECTORY);
      }
      if (!a.isRegularFile()) {
        return problem("not a regular file (a FIFO, socket or device): not opened");
      }
    } catch (IOException e) {
      return failed(e);
    }
    // O_NOFOLLOW again: the check above and the open are two steps
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      byte[] data = readCapped(ch);
      return data == null
          ? problem("larger than " + (MAX_BYTES >> 20) + " MiB: not read")
          : new SysfsRoot.Read<>(data, null);
    } catch (IOException e) {
      return failed(e);
    }
  }

  private static SysfsRoot.Read<byte[]> problem(String why) {
    return new SysfsRoot.Read<>(null, why);
  }

  private static SysfsRoot.Read<byte[]> failed(IOException e) {
    if (e instanceof NoSuchFileException) {
      return problem(RootWalk.MISSING);
    }
    if (e instanceof AccessDeniedException) {
      return problem("permission denied");
    }
    String msg =
        e instanceof FileSystemException f ? String.valueOf(f.getReason()) : e.getMessage();
    if (msg != null && msg.contains("symbolic link")) {
      return problem(IS_LINK);
    }
    if (msg != null && msg.contains("Is a directory")) {
      return problem(IS_DIRECTORY);
    }
    // sysfs answers some reads with an error (EIO, ENODEV, EINVAL) instead of data
    return problem("read error: " + (msg == null ? e.getClass().getSimpleName() : msg));
  }

  /** Reads to EOF; null when the file holds more than {@value #MAX_BYTES} bytes. */
  private static byte[] readCapped(FileChannel ch) throws IOException {
    ByteBuffer buf = BUFFER.get();
    buf.clear();
    while (true) {
      if (!buf.hasRemaining()) {
        if (buf.capacity() > MAX_BYTES) {
          return null;
        }
        // one byte past the cap tells "exactly the cap" from "more"
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(buf.capacity() * 2, MAX_BYTES + 1));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
        if (buf.capacity() <= KEEP_BYTES) {
          BUFFER.set(buf);
        }
      }
      if (ch.read(buf) < 0) {
        break;
      }
    }
    buf.flip();
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    return out;
  }
}
