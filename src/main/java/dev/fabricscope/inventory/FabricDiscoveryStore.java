package dev.fabricscope.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Uploaded {@code ibnetdiscover -p} outputs (issue 14), by name: the checked text and a summary of
 * what it lists. A new upload under a name replaces the old one whole.
 */
public interface FabricDiscoveryStore {

  /**
   * One stored discovery, without its text.
   *
   * @param name the name it was uploaded under
   * @param bytes the text's size in bytes (UTF-8)
   * @param fabricKey the fabric's lowest switch node GUID ({@code xxxx:xxxx:xxxx:xxxx})
   * @param switches how many switches it lists
   * @param caPorts how many CA ports it lists cabled to a switch
   * @param uploaded when it was stored
   * @param uploadedBy the caller who stored it
   */
  record Entry(
      String name,
      int bytes,
      String fabricKey,
      int switches,
      int caPorts,
      Instant uploaded,
      String uploadedBy) {}

  /** An entry with its text. */
  record Stored(Entry entry, String text) {}

  /**
   * What the stored discoveries may hold in all, counted after a put (an upload replacing one of
   * its name counts instead of it).
   *
   * @param count discoveries at most
   * @param bytes bytes of text at most (the entries' {@code bytes})
   */
  record Limits(int count, long bytes) {
    /** No limit. */
    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Long.MAX_VALUE);

    /** Throws {@link Full} when {@code count} discoveries of {@code bytes} in all pass these. */
    public void check(long count, long bytes) {
      if (count > count()) {
        throw new Full(
            "the server keeps at most "
                + count()
                + " discoveries (fabricscope.fabric.uploads-max-count): delete one first");
      }
      if (bytes > bytes()) {
        throw new Full(
            "the discoveries would hold "
                + bytes
                + " bytes of text, over the "
                + bytes()
                + " the server keeps (fabricscope.fabric.uploads-max-bytes): delete one first");
      }
    }
  }

  /**
   * Throws {@link Full} when an upload of {@code bytes} under {@code name} (replacing one of that
   * name) would pass {@code limits} now: checked before the text is parsed, so an upload that
   * cannot be kept costs no parse (sixteenth security review). The put checks again.
   */
  default void requireRoom(String name, long bytes, Limits limits) {
    long count = 1;
    long total = bytes;
    for (Entry other : list()) {
      if (!other.name().equals(name)) {
        count++;
        total += other.bytes();
      }
    }
    limits.check(count, total);
  }

  /** A put refused because the store would pass its {@link Limits}; nothing was changed. */
  final class Full extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Full(String message) {
      super(message);
    }
  }

  /**
   * Stores (or replaces) a discovery in one transaction; true when the name was new.
   *
   * @throws Full when the store would then pass {@code limits}
   */
  boolean put(Entry entry, String text, Limits limits);

  /** {@link #put(Entry, String, Limits)} without limits. */
  default boolean put(Entry entry, String text) {
    return put(entry, text, Limits.NONE);
  }

  /** Every discovery, by name. */
  List<Entry> list();

  /** Every discovery with its text, by name. */
  List<Stored> all();

  /** One discovery's text. */
  Optional<Stored> get(String name);

  /**
   * One discovery's text gzip-coded, as it is kept: for answering it without ever holding the text
   * (sixteenth security review: 40 readers of a 16 MiB upload, each with the text, its bytes and
   * their copies, ran the server out of heap).
   */
  Optional<byte[]> gzipped(String name);

  /** Deletes a discovery; false when there was none. */
  boolean delete(String name);
}
