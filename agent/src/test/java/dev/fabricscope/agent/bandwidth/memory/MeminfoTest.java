package dev.fabricscope.agent.bandwidth.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** One field of {@code /proc/meminfo} or a node's meminfo, in bytes, or unknown. */
class MeminfoTest {

  static final String PROC =
      "MemTotal:       24683748 kB\nMemFree:        17942612 kB\nMemAvailable:   20971520 kB\n";
  static final String NODE =
      "Node 1 MemTotal:       24683748 kB\nNode 1 MemFree:        17942612 kB\n"
          + "Node 1 MemUsed:         6741136 kB\n";

  @Test
  void readsAFieldOfTheHostFileAndOfANodeFileInBytes() {
    assertEquals(20971520L * 1024, Meminfo.bytes(PROC, "MemAvailable"));
    assertEquals(17942612L * 1024, Meminfo.bytes(PROC, "MemFree"));
    assertEquals(17942612L * 1024, Meminfo.bytes(NODE, "MemFree"));
    assertEquals(24683748L * 1024, Meminfo.bytes(NODE, "MemTotal"));
  }

  @Test
  void aMissingFieldIsUnknownAndANameIsMatchedWhole() {
    assertNull(Meminfo.bytes(NODE, "MemAvailable"));
    assertNull(Meminfo.bytes("", "MemFree"));
    // "Free" is not the tail of "MemFree", nor "HugePages_Free" a MemFree
    assertNull(Meminfo.bytes(PROC, "Free"));
    assertNull(Meminfo.bytes("HugePages_Free:        0 kB\n", "MemFree"));
  }

  /** 15 digits are an exabyte; 16 and more no kernel writes, and 20 would overflow a long. */
  @Test
  void aNumberTooLongReadsAsUnknown() {
    assertEquals(
        999_999_999_999_999L * 1024, Meminfo.bytes("MemFree: 999999999999999 kB\n", "MemFree"));
    assertNull(Meminfo.bytes("MemFree: 9999999999999999 kB\n", "MemFree"));
    assertNull(Meminfo.bytes("Node 0 MemFree: " + "9".repeat(20) + " kB\n", "MemFree"));
  }
}
