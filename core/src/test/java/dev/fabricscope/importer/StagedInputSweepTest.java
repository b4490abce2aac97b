package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.sysfs.UnpackTemps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy of a streamed archive ({@code topo --input -}) is named as the leftover sweep knows it
 * (sixteenth security review, finding 4): a run killed outright never reaches its {@code finally},
 * and the earlier {@code fabricscope-input-*.archive} stayed in {@code /dev/shm} for good.
 */
class StagedInputSweepTest {

  @TempDir Path base;

  @Test
  void aStagedCopyLeftByAKilledRunIsSwept() throws IOException {
    Path staged = Importers.stage(new byte[] {0x1f, (byte) 0x8b, 8, 0}, base);
    String name = staged.getFileName().toString();
    assertTrue(
        name.startsWith(UnpackTemps.ownPrefix(UnpackTemps.STAGED_PREFIX))
            && name.endsWith(UnpackTemps.STAGED_SUFFIX),
        name);
    // the run that staged it is gone: the next start, later, with the same pid or another
    Instant nextStart = Instant.now().plusSeconds(60);
    Files.setLastModifiedTime(staged, FileTime.from(nextStart.minusSeconds(30)));
    long pid = ProcessHandle.current().pid();

    List<Path> removed =
        UnpackTemps.removeLeftovers(base, nextStart, pid + 1, other -> other == pid + 1);

    assertEquals(List.of(staged), removed);
    assertFalse(Files.exists(staged));
  }

  @Test
  void aLiveRunsStagedCopyStays() throws IOException {
    Path staged = Importers.stage(new byte[] {1, 2, 3}, base);
    long pid = ProcessHandle.current().pid();
    Instant start = Instant.now().plusSeconds(60);

    assertEquals(List.of(), UnpackTemps.removeLeftovers(base, start, pid + 1, other -> true));
    assertTrue(Files.exists(staged));
  }
}
