package dev.fabricscope.sysfs;

import java.io.IOException;
import java.io.InputStream;

/**
 * Stops a decompressed stream that yields more than a bound: a compression bomb ends at the limit,
 * not at the end of its stream.
 */
final class BoundedInputStream extends java.io.FilterInputStream {
  private long left;

  BoundedInputStream(InputStream in, long bound) {
    super(in);
    this.left = bound;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      left -= n;
      if (left < 0) {
        throw ArchivePlan.refused("unpacks to more than its limit of bytes");
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // skipping still decompresses: count it as read
    byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
    int r = read(buf, 0, buf.length);
    return Math.max(r, 0);
  }
}
