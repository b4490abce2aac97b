package dev.fabricscope.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the inventory asks of the storage under it around new snapshots: whether there is room for
 * one ({@link #checkRoom}), and that one came and old ones may have gone ({@link #changed}). For an
 * embedded H2 file ({@link Database#snapshotSpace}) the first is a free-space floor on the file's
 * volume and the second starts {@link H2Housekeeping}; PostgreSQL and in-memory H2 manage their own
 * space ({@link #UNCHECKED}).
 */
public interface SnapshotSpace {

  /** Checks nothing, frees nothing. */
  SnapshotSpace UNCHECKED =
      new SnapshotSpace() {
        @Override
        public void checkRoom(String refused) {}

        @Override
        public void changed() {}
      };

  /**
   * Called in the ingest transaction before a new snapshot is written.
   *
   * @throws StoreFullException when no new snapshot may be written now
   */
  default void checkRoom() {
    checkRoom("no new snapshots are stored");
  }

  /**
   * {@link #checkRoom()} for another write that may wait (a new bandwidth test).
   *
   * @param refused what is refused while the volume is short, for the 507's detail
   * @throws StoreFullException when there is no room now
   */
  void checkRoom(String refused);

  /** Called after an ingest that stored a snapshot committed; must not block. */
  void changed();

  /**
   * A floor on the free space of {@code folder}'s volume: below {@code minFreeBytes} (0: no floor)
   * new snapshots and new bandwidth tests are refused, so that H2 never meets a full volume
   * mid-write (it may corrupt its file then), and the smaller writes of tokens, plans and the
   * results of tests already queued still find room.
   */
  static void checkFloor(Path folder, long minFreeBytes, String refused) {
    if (minFreeBytes <= 0) {
      return;
    }
    long usable;
    try {
      usable = Files.getFileStore(folder).getUsableSpace();
    } catch (IOException e) {
      // cannot tell: the write itself will say whether there was room
      return;
    }
    if (usable < minFreeBytes) {
      throw new StoreFullException(
          "the database volume has "
              + mib(usable)
              + " MiB free, less than fabricscope.history.min-free-disk ("
              + mib(minFreeBytes)
              + " MiB): "
              + refused
              + " until space is freed or the volume grows; resend later");
    }
  }

  private static long mib(long bytes) {
    return bytes >> 20;
  }
}
