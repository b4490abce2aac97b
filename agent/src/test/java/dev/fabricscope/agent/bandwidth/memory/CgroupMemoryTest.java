package dev.fabricscope.agent.bandwidth.memory;

import static dev.fabricscope.agent.bandwidth.memory.FakeTree.GIB;
import static dev.fabricscope.agent.bandwidth.memory.FakeTree.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.sysfs.SysfsRoot;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup bound from fake trees of each layout the agent meets, and on this host. */
class CgroupMemoryTest {

  @TempDir Path dir;

  private FakeTree tree() {
    return new FakeTree(dir);
  }

  private MemoryBound read(FakeTree t) {
    return CgroupMemory.read(t.sysfs());
  }

  @Test
  void v2LimitLessWorkingSet() {
    FakeTree t =
        tree()
            .selfCgroup("0::/kubepods/pod1/agent\n")
            .v2("/kubepods/pod1/agent", 512 * MIB, 100 * MIB, 4 * MIB);
    MemoryBound b = read(t);
    assertEquals(512 * MIB - 96 * MIB, b.freeBytes());
    assertEquals("cgroup limit 512 MiB, 96 MiB in use", b.detail());
  }

  /** A pod's limit above the container's binds too: the least free level wins. */
  @Test
  void v2ParentLimitBindsWhenTighter() {
    FakeTree t =
        tree()
            .selfCgroup("0::/kubepods/pod1/agent\n")
            .v2("/kubepods/pod1/agent", 2 * GIB, 100 * MIB, 0)
            .v2("/kubepods/pod1", 1 * GIB, 900 * MIB, 0)
            .v2("/kubepods", null, 5 * GIB, 0);
    MemoryBound b = read(t);
    assertEquals(124 * MIB, b.freeBytes());
    assertEquals("cgroup limit 1 GiB, 900 MiB in use", b.detail());
  }

  @Test
  void v2MaxEverywhereIsNoLimit() {
    FakeTree t = tree().selfCgroup("0::/system.slice/agent.service\n");
    t.v2("/system.slice/agent.service", null, 50 * MIB, 0).v2("/system.slice", null, GIB, 0);
    MemoryBound b = read(t);
    assertFalse(b.known());
    assertEquals("no cgroup memory limit", b.detail());
  }

  /** Inside a cgroup namespace the process's cgroup is the mount's root. */
  @Test
  void v2NamespaceRootHoldsTheLimit() {
    FakeTree t = tree().selfCgroup("0::/\n").v2("/", 512 * MIB, 200 * MIB, 0);
    assertEquals(312 * MIB, read(t).freeBytes());
  }

  /** A path this mount does not show (or one with ..) falls back to the mount's root. */
  @Test
  void v2PathNotUnderTheMountFallsBackToItsRoot() {
    FakeTree t = tree().v2("/", 256 * MIB, 56 * MIB, 0);
    t.selfCgroup("0::/kubepods/elsewhere\n");
    assertEquals(200 * MIB, read(t).freeBytes());
    t.selfCgroup("0::/../../escape\n");
    assertEquals(200 * MIB, read(t).freeBytes());
  }

  @Test
  void v1LimitLessUsageAndTotalInactiveFile() {
    FakeTree t =
        tree()
            .selfCgroup("12:pids:/x\n4:memory:/docker/abc\n1:name=systemd:/x\n0::/\n")
            .v1("/docker/abc", 512 * MIB, 300 * MIB, 100 * MIB)
            .v1("/docker", CgroupMemory.V1_UNLIMITED, 9 * GIB, 0);
    MemoryBound b = read(t);
    assertEquals(312 * MIB, b.freeBytes());
    assertEquals("cgroup limit 512 MiB, 200 MiB in use", b.detail());
  }

  /** v1's "unlimited" is LONG_MAX rounded down to a page. */
  @Test
  void v1UnlimitedIsNoLimit() {
    FakeTree t =
        tree()
            .selfCgroup("4:memory:/process_api/abc\n")
            .v1("/process_api/abc", 9223372036854771712L, 14 * MIB, 0);
    assertEquals("no cgroup memory limit", read(t).detail());
  }

  /** A v1 container sees its own cgroup as the mount's root while the path names the host's. */
  @Test
  void v1ContainerSeesItsCgroupAsTheMountRoot() {
    FakeTree t =
        tree()
            .selfCgroup("9:memory,hugetlb:/kubepods/burstable/pod9/c0ffee\n")
            .v1("/", 300 * MIB, 100 * MIB, 0);
    assertEquals(200 * MIB, read(t).freeBytes());
  }

  /** A hybrid host has a v2 line too; memory is v1 there. */
  @Test
  void hybridHostsReadTheV1Controller() {
    FakeTree t =
        tree()
            .selfCgroup("4:memory:/a\n0::/a\n")
            .v1("/a", 128 * MIB, 28 * MIB, 0)
            .v2("/a", 64 * GIB, 0, 0);
    assertEquals(100 * MIB, read(t).freeBytes());
  }

  @Test
  void noCgroupAtAllIsSkippedWithWhy() {
    MemoryBound b = read(tree().file("/proc/meminfo", "MemAvailable: 1 kB\n"));
    assertFalse(b.known());
    assertEquals("no cgroup memory controller (/proc/self/cgroup missing)", b.detail());
  }

  /** An unreadable level might be the limiting one: the bound is unknown, with the file named. */
  @Test
  void unreadableUsageSkipsTheBoundWithTheFile() {
    FakeTree t =
        tree()
            .selfCgroup("0::/agent\n")
            .file("/sys/fs/cgroup/agent/memory.max", "536870912\n")
            .file("/sys/fs/cgroup/agent/memory.current", "lots\n");
    MemoryBound b = read(t);
    assertFalse(b.known());
    assertEquals(
        "cgroup memory limit unknown (/sys/fs/cgroup/agent/memory.current unreadable or not a"
            + " number)",
        b.detail());
  }

  /** Usage above the limit (the kernel reclaims meanwhile) leaves nothing, never a negative. */
  @Test
  void usageAboveTheLimitIsZeroFree() {
    FakeTree t = tree().selfCgroup("0::/\n").v2("/", 100 * MIB, 150 * MIB, 0);
    assertEquals(0L, read(t).freeBytes());
  }

  @Test
  void thisHostReadsWithoutFailing() {
    MemoryBound b = CgroupMemory.read(SysfsRoot.of(Path.of("/")));
    assertNotNull(b.detail());
    assertTrue(!b.known() || b.freeBytes() >= 0, b.toString());
  }
}
