package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.sysfs.ArchiveExtractor.ArchiveException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An upload the server cannot stage is a clear problem, not a bare 500: no room is a 507 (a real
 * ENOSPC from {@code /dev/full}, and one behind a failed unpack), anything else a 500 that names
 * the setting; neither tells the caller the server's paths.
 */
class StagingFailuresTest {

  @Test
  void aRealFullDeviceIsNoRoom() {
    assumeTrue(Files.exists(Path.of("/dev/full")), "/dev/full (Linux)");
    IOException full =
        assertThrows(IOException.class, () -> Files.write(Path.of("/dev/full"), new byte[4096]));
    ApiException a = StagingFailures.stagingFailed(full);
    assertEquals(507, a.status(), full.toString());
    assertTrue(a.getMessage().contains("no room"), a.getMessage());
  }

  @Test
  void aFullDiskBehindAnUnpackIsNoRoomNotABadArchive() {
    IOException enospc = new FileSystemException("/dev/shm/x", null, "No space left on device");
    ImportException failed =
        new ImportException(
            "upload: cannot read archive /dev/shm/x: No space left on device",
            new ArchiveException(
                "cannot read archive /dev/shm/x: No space left on device", enospc));
    assertTrue(StagingFailures.noRoomBehind(failed));
    assertEquals(507, StagingFailures.stagingFailed(new IOException("wrapped", failed)).status());
    assertTrue(StagingFailures.noRoomBehind(new IOException("Disk quota exceeded")));
  }

  @Test
  void anArchiveCannotNameItselfAFullDisk() {
    // an entry name or a parser's words around the phrase are not the system's ENOSPC
    ImportException bad =
        new ImportException(
            "upload: cannot read archive: entry 'No space left on device' is truncated",
            new ArchiveException(
                "entry No space left on device", new IOException("Truncated TAR archive")));
    assertFalse(StagingFailures.noRoomBehind(bad));
  }

  @Test
  void anyOtherFailureIsA500NamingTheSettingAndNoPath() {
    IOException e = new FileSystemException("/secret/imports/x.bin", null, "Not a directory");
    for (ApiException a :
        new ApiException[] {StagingFailures.stagingFailed(e), StagingFailures.folderUnusable(e)}) {
      assertEquals(500, a.status());
      assertTrue(a.getMessage().contains("fabricscope.tmpdir"), a.getMessage());
      assertTrue(a.getMessage().contains("nothing was stored"), a.getMessage());
      assertFalse(a.getMessage().contains("/secret"), a.getMessage());
    }
  }

  @Test
  void generatedWordingsAreJudgedByTheWholeReason() {
    Random random = new Random(17);
    String[] room = {"No space left on device", "Disk quota exceeded"};
    String[] other = {"Permission denied", "Not a directory", "Read-only file system", "I/O error"};
    for (int i = 0; i < 500; i++) {
      boolean full = random.nextBoolean();
      String reason =
          full ? room[random.nextInt(room.length)] : other[random.nextInt(other.length)];
      String cased = random.nextBoolean() ? reason : reason.toUpperCase(java.util.Locale.ROOT);
      IOException leaf =
          random.nextBoolean()
              ? new FileSystemException("/f" + i, null, cased)
              : new IOException(random.nextBoolean() ? cased : " " + cased + "\n");
      Throwable outer = leaf;
      for (int depth = random.nextInt(3); depth > 0; depth--) {
        outer = new ArchiveException("cannot read archive: " + other[depth], (Exception) outer);
      }
      assertEquals(full, StagingFailures.noRoomBehind(outer), outer.toString());
      // a phrase inside other words never counts
      assertFalse(StagingFailures.noRoom(new IOException("entry '" + reason + "' x")));
    }
  }
}
