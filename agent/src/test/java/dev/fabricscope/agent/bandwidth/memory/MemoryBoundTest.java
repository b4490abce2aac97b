package dev.fabricscope.agent.bandwidth.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class MemoryBoundTest {

  @Test
  void sizesReadInBinaryUnits() {
    assertEquals("0 B", MemoryBound.iec(0));
    assertEquals("1023 B", MemoryBound.iec(1023));
    assertEquals("1 KiB", MemoryBound.iec(1024));
    assertEquals("512 MiB", MemoryBound.iec(512L << 20));
    assertEquals("77.5 MiB", MemoryBound.iec(155L << 19));
    assertEquals("19.8 GiB", MemoryBound.iec((long) (19.9 * (1L << 30))));
    assertEquals("7.9 EiB", MemoryBound.iec(Long.MAX_VALUE));
    assertEquals("1023.9 KiB", MemoryBound.iec((1L << 20) - 1));
  }

  /** A need rounds up, what is available down: 32 MiB and a cache line never read as 32 MiB. */
  @Test
  void needsRoundUpAndAvailabilityDown() {
    assertEquals("32.1 MiB", MemoryBound.iecUp((32L << 20) + 64));
    assertEquals("32 MiB", MemoryBound.iec((32L << 20) + 64));
    assertEquals("512 MiB", MemoryBound.iecUp(512L << 20));
    assertEquals("0 B", MemoryBound.iecUp(0));
    assertEquals("1 KiB", MemoryBound.iecUp(1024));
  }

  @Test
  void aFreeFigureIsNeverNegativeAndASkippedOneIsUnknown() {
    assertEquals(0L, MemoryBound.of(-5, "x").freeBytes());
    assertFalse(MemoryBound.skipped("why").known());
  }
}
