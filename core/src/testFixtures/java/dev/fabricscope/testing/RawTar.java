package dev.fabricscope.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Writes tar records by hand, for headers a tar library will not write: a long name or PAX header
 * whose declared size is hundreds of megabytes (streamed, never held in memory), typeflags in any
 * order, chains of extension headers. Gzip at the fastest level: the data is runs of one byte.
 */
public final class RawTar implements AutoCloseable {

  private static final int BLOCK = 512;

  private final OutputStream out;

  private RawTar(OutputStream out) {
    this.out = out;
  }

  /** A .tar.gz written to {@code file}; {@link #close} writes the end-of-archive records. */
  public static RawTar gzip(Path file) throws IOException {
    GzipParameters p = new GzipParameters();
    p.setCompressionLevel(Deflater.BEST_SPEED);
    return new RawTar(new GzipCompressorOutputStream(Files.newOutputStream(file), p));
  }

  /** One entry whose data is {@code data}. */
  public RawTar entry(String name, char type, byte[] data) throws IOException {
    out.write(header(name, type, data.length));
    out.write(data);
    pad(data.length);
    return this;
  }

  /**
   * One entry of any name and link text ({@code null} for none): a PAX header carries a name past
   * the 100-byte field and every link text. Unlike commons-compress's writer, which shortens a long
   * name for the ustar field one character at a time (minutes for 200,000), this is linear.
   */
  public RawTar pax(String name, char type, String linkText, byte[] data) throws IOException {
    List<String> records = new ArrayList<>();
    if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
      records.add("path=" + name);
    }
    if (linkText != null) {
      records.add("linkpath=" + linkText);
    }
    if (!records.isEmpty()) {
      entry("PaxHeaders/entry", 'x', paxRecords(records.toArray(String[]::new)));
    }
    return entry(name, type, data);
  }

  /** A block written as given (a header from {@link #header}, say), with no data after it. */
  public RawTar raw(byte[] block) throws IOException {
    out.write(block);
    return this;
  }

  /** One entry that declares {@code size} bytes and holds them: {@code fill}, repeated. */
  public RawTar filled(String name, char type, long size, byte fill) throws IOException {
    out.write(header(name, type, size));
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, fill);
    for (long left = size; left > 0; left -= chunk.length) {
      out.write(chunk, 0, (int) Math.min(left, chunk.length));
    }
    pad(size);
    return this;
  }

  /** A PAX header holding one record {@code key=value} of exactly {@code size} bytes, streamed. */
  public RawTar paxRecord(char type, String key, long size) throws IOException {
    out.write(header("PaxHeaders/x", type, size));
    // "<length> key=" then the value, then "\n"; the length counts its own digits
    String head = size + " " + key + "=";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 'a');
    for (long left = size - head.length() - 1; left > 0; left -= chunk.length) {
      out.write(chunk, 0, (int) Math.min(left, chunk.length));
    }
    out.write('\n');
    pad(size);
    return this;
  }

  /**
   * An old GNU sparse entry ({@code S}) flagged as extended, followed by {@code records} extension
   * records that each flag one more: commons-compress reads them all before it returns the entry.
   */
  public RawTar oldGnuSparse(String name, int records) throws IOException {
    byte[] h = header(name, 'S', 0);
    put(h, 257, "ustar  "); // the old GNU magic: only there are the sparse fields read
    h[482] = 1; // isExtended
    out.write(checksum(h));
    byte[] ext = new byte[BLOCK];
    for (int i = 0; i < records; i++) {
      ext[504] = (byte) (i + 1 < records ? 1 : 0);
      out.write(ext);
    }
    return this;
  }

  /** PAX records {@code key=value} in the exact "length key=value\n" form. */
  public static byte[] paxRecords(String... keyValues) {
    StringBuilder all = new StringBuilder();
    for (String kv : keyValues) {
      int bytes = kv.getBytes(StandardCharsets.UTF_8).length;
      int len = bytes + 3; // " ", "\n" and at least one digit
      while (String.valueOf(len).length() + bytes + 2 != len) {
        len++;
      }
      all.append(len).append(' ').append(kv).append('\n');
    }
    return all.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }

  /**
   * A ustar header block: name (at most 100 bytes), mode 0644 (0755 for folders), the size in octal
   * (GNU base-256 from 8 GiB), the type flag and the checksum.
   */
  public static byte[] header(String name, char type, long size) {
    byte[] h = new byte[BLOCK];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, Math.min(n.length, 100));
    put(h, 100, type == '5' ? "0000755" : "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    if (size < 1L << 33) {
      put(h, 124, String.format("%011o", size));
    } else {
      h[124] = (byte) 0x80;
      for (int i = 0; i < 8; i++) {
        h[135 - i] = (byte) (size >>> (8 * i));
      }
    }
    put(h, 136, "00000000000");
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    return checksum(h);
  }

  /** Sets the header's checksum field: the sum of its bytes with the field read as spaces. */
  private static byte[] checksum(byte[] h) {
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }

  @Override
  public void close() throws IOException {
    out.write(new byte[2 * BLOCK]);
    out.close();
  }
}
