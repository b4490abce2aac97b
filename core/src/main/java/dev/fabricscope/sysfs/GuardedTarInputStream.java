package dev.fabricscope.sysfs;

import dev.fabricscope.sysfs.ArchiveExtractor.ArchiveException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A tar reader that refuses the headers commons-compress would otherwise read whole into memory
 * before {@link ArchivePlan} sees a name: a GNU long name or long link ({@code ././@LongLink},
 * types {@code L} and {@code K}) or a PAX header ({@code x}, {@code g}) larger than {@value
 * #MAX_EXTENSION_BYTES} bytes, global PAX headers above {@value #MAX_GLOBAL_PAX_BYTES} bytes in
 * all, chains of more than {@value #MAX_EXTENSION_CHAIN} such headers before one entry, old GNU
 * sparse entries ({@code S}, whose extension records are read in a loop) and PAX sparse records
 * (the 1.0 sparse map is read from the entry's data without a bound). Sparse files are refused by
 * the plan anyway; here they are refused before their maps are read.
 *
 * <p>Why a subclass and not a filter over the raw 512-byte records: commons-compress reads long
 * names ({@code getLongNameData}) and PAX records ({@code TarUtils.parsePaxHeaders}) through this
 * stream's own {@link #read(byte[], int, int)}, bounded by the size <em>it</em> parsed for the
 * header, so checking that size here judges exactly the bytes it is about to read. A filter below
 * it would have to repeat its framing, including the rules that change it (a PAX {@code size}
 * record, global headers, folders whose data is not skipped, names ending in {@code /}), and any
 * difference would let a hostile header slip past as "data". The tests with huge declared sizes
 * fail if a later commons-compress stops reading through these hooks.
 */
final class GuardedTarInputStream extends TarArchiveInputStream {

  /**
   * Largest long name, long link or PAX header: a name is at most {@link ArchivePlan#MAX_NAME}
   * (4,096) bytes and the PAX records of one entry (path, linkpath, times, ids) fit well under
   * this.
   */
  static final int MAX_EXTENSION_BYTES = 64 << 10;

  /**
   * All global PAX headers together: each applies to every later entry, so its size multiplies by
   * the entry count. {@code git archive}'s one global record (the commit id) is 52 bytes.
   */
  static final int MAX_GLOBAL_PAX_BYTES = 1 << 10;

  /**
   * Extension headers before one entry: at most one of each of {@code g}, {@code x}, {@code K} and
   * {@code L} is meaningful. commons-compress reads each by recursion, so an endless chain ends in
   * a StackOverflowError without this bound.
   */
  static final int MAX_EXTENSION_CHAIN = 8;

  private static final byte[] SPARSE_KEY = "GNU.sparse.".getBytes(StandardCharsets.US_ASCII);

  private final ByteArrayOutputStream paxBytes = new ByteArrayOutputStream();
  private TarArchiveEntry readingFor;
  private long globalPaxBytes;
  private int depth;

  GuardedTarInputStream(InputStream in) {
    // names as gather writes them, whatever the locale: the platform default, ASCII without a UTF-8
    // locale, refused a whole archive for one non-ASCII name (fourteenth security review)
    super(in, StandardCharsets.UTF_8.name());
  }

  @Override
  public TarArchiveEntry getNextEntry() throws IOException {
    // commons-compress calls this again (recursively) right after it parsed a long name or a PAX
    // header, before the parsed records are applied: the moment to judge what it just read
    TarArchiveEntry previous = getCurrentEntry();
    if (previous != null && isPax(previous) && previous == readingFor && holdsSparseKey()) {
      throw ArchivePlan.refused("a sparse file (GNU.sparse records in a PAX header)");
    }
    // the outermost call reads the entry itself, each nested one an extension header before it
    if (++depth > MAX_EXTENSION_CHAIN + 1) {
      throw ArchivePlan.refused("more than " + MAX_EXTENSION_CHAIN + " extension headers in a row");
    }
    try {
      return super.getNextEntry();
    } finally {
      depth--;
    }
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    TarArchiveEntry e = getCurrentEntry();
    boolean extension = e != null && (isPax(e) || isLongName(e));
    if (extension && e != readingFor) {
      startExtension(e);
    }
    int n = super.read(buf, off, len);
    if (extension && isPax(e) && n > 0) {
      paxBytes.write(buf, off, n); // at most MAX_EXTENSION_BYTES: checked in startExtension
    }
    return n;
  }

  /** Judges an extension header by its declared size before the first of its bytes is read. */
  private void startExtension(TarArchiveEntry e) throws ArchiveException {
    readingFor = e;
    paxBytes.reset();
    long size = Math.max(e.getSize(), e.getRealSize());
    if (size > MAX_EXTENSION_BYTES) {
      throw ArchivePlan.refused(
          describe(e) + " of " + size + " bytes (at most " + MAX_EXTENSION_BYTES + ")");
    }
    if (e.isGlobalPaxHeader()) {
      globalPaxBytes += size;
      if (globalPaxBytes > MAX_GLOBAL_PAX_BYTES) {
        throw ArchivePlan.refused(
            "global PAX headers of more than " + MAX_GLOBAL_PAX_BYTES + " bytes in all");
      }
    }
  }

  @Override
  protected byte[] readRecord() throws IOException {
    byte[] rec = super.readRecord();
    // an old GNU sparse header is followed by extension records that commons-compress reads in a
    // loop into one list, before the entry reaches the plan: refuse at the header
    if (rec != null && rec.length > 156 && rec[156] == TarArchiveEntry.LF_GNUTYPE_SPARSE) {
      throw ArchivePlan.refused("sparse file " + headerName(rec));
    }
    return rec;
  }

  private boolean holdsSparseKey() {
    // the captured records of one PAX header: at most MAX_EXTENSION_BYTES, searched as bytes; a
    // value that happens to hold the text is refused too, which no sysfs name does
    byte[] b = paxBytes.toByteArray();
    outer:
    for (int i = 0; i + SPARSE_KEY.length <= b.length; i++) {
      for (int j = 0; j < SPARSE_KEY.length; j++) {
        if (b[i + j] != SPARSE_KEY[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean isPax(TarArchiveEntry e) {
    return e.isPaxHeader() || e.isGlobalPaxHeader();
  }

  private static boolean isLongName(TarArchiveEntry e) {
    return e.isGNULongNameEntry() || e.isGNULongLinkEntry();
  }

  private static String describe(TarArchiveEntry e) {
    if (e.isGNULongNameEntry()) {
      return "a GNU long name";
    }
    if (e.isGNULongLinkEntry()) {
      return "a GNU long link target";
    }
    return e.isGlobalPaxHeader() ? "a global PAX header" : "a PAX header";
  }

  /** The name field of a raw header (its first 100 bytes, up to the first NUL), for a message. */
  private static String headerName(byte[] rec) {
    int end = 0;
    while (end < 100 && rec[end] != 0) {
      end++;
    }
    return new String(rec, 0, end, StandardCharsets.UTF_8);
  }
}
