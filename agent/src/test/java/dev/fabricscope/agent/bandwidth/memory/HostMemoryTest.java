package dev.fabricscope.agent.bandwidth.memory;

import static dev.fabricscope.agent.bandwidth.memory.FakeTree.GIB;
import static dev.fabricscope.agent.bandwidth.memory.FakeTree.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.sysfs.SysfsRoot;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostMemoryTest {

  @TempDir Path dir;

  @Test
  void readsMemAvailableAndTheFreeMemoryOfEachNodeAsked() {
    FakeTree t =
        new FakeTree(dir)
            .memAvailable(20 * GIB)
            .nodeFree(0, 10 * GIB)
            .nodeFree(1, 3 * GIB + 512 * MIB);
    HostMemory m = HostMemory.read(t.sysfs(), List.of(1));
    assertEquals(20 * GIB, m.available().freeBytes());
    assertEquals("MemAvailable 20 GiB", m.available().detail());
    assertEquals(List.of(1), List.copyOf(m.nodeFree().keySet()));
    assertEquals(3 * GIB + 512 * MIB, m.nodeFree().get(1).freeBytes());
    assertEquals("numa:1 MemFree 3.5 GiB", m.nodeFree().get(1).detail());
    assertEquals("no cgroup memory controller (/proc/self/cgroup missing)", m.cgroup().detail());
  }

  /** A node without a meminfo file (a kernel without NUMA) is skipped, and the refusal says why. */
  @Test
  void aMissingNodeMeminfoSkipsThatBoundWithTheReason() {
    HostMemory m = HostMemory.read(new FakeTree(dir).memAvailable(GIB).sysfs(), List.of(0));
    assertFalse(m.nodeFree().get(0).known());
    assertEquals(
        "numa:0 MemFree unknown (/sys/devices/system/node/node0/meminfo missing)",
        m.nodeFree().get(0).detail());
  }

  @Test
  void aMeminfoWithoutMemAvailableIsSkipped() {
    FakeTree t = new FakeTree(dir).file("/proc/meminfo", "MemTotal: 1024 kB\nMemFree: 512 kB\n");
    t.file("/sys/devices/system/node/node0/meminfo", "Node 0 MemTotal: 1024 kB\n");
    HostMemory m = HostMemory.read(t.sysfs(), List.of(0));
    assertEquals("MemAvailable unknown (not in /proc/meminfo)", m.available().detail());
    assertEquals(
        "numa:0 MemFree unknown (not in /sys/devices/system/node/node0/meminfo)",
        m.nodeFree().get(0).detail());
    assertEquals(
        "MemAvailable unknown (/proc/meminfo missing)",
        HostMemory.read(new FakeTree(dir.resolve("empty")).sysfs(), List.of())
            .available()
            .detail());
  }

  @Test
  void thisHostHasMemAvailableAndNodeZero() {
    HostMemory m = HostMemory.read(SysfsRoot.of(Path.of("/")), List.of(0));
    assertTrue(m.available().known() && m.available().freeBytes() > 0, m.toString());
    assertTrue(m.nodeFree().get(0).detail().startsWith("numa:0 MemFree"), m.toString());
  }

  /** Numbers no kernel writes (20 digits) read as unknown, not as an exception. */
  @Test
  void numbersTooLongForALongAreUnknown() {
    String huge = "9".repeat(20);
    FakeTree t = new FakeTree(dir).file("/proc/meminfo", "MemAvailable:   " + huge + " kB\n");
    t.file("/sys/devices/system/node/node0/meminfo", "Node 0 MemFree: " + huge + " kB\n");
    HostMemory m = HostMemory.read(t.sysfs(), List.of(0));
    assertFalse(m.available().known());
    assertFalse(m.nodeFree().get(0).known());
    assertEquals(0L, CgroupMemory.stat("inactive_file " + huge + "\n", "inactive_file"));
  }
}
