package dev.fabricscope.agent.bandwidth.memory;

import static dev.fabricscope.agent.bandwidth.memory.FakeTree.GIB;
import static dev.fabricscope.agent.bandwidth.memory.FakeTree.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBudgetTest {

  @TempDir Path dir;

  /** The reproduced OOM: a 512 MiB pod, heap 60 % of it, the host with 20 GiB available. */
  private FakeTree pod() {
    return new FakeTree(dir)
        .selfCgroup("0::/\n")
        .v2("/", 512 * MIB, 80 * MIB, 0)
        .memAvailable(20 * GIB)
        .nodeFree(0, 19 * GIB);
  }

  private static MemoryBudget budget(FakeTree t, long heapGrowth) {
    return new MemoryBudget(t::sysfs, () -> heapGrowth);
  }

  private static MemoryNeed copy(long bytes) {
    return MemoryNeed.of("host-memcpy").on(0, bytes).on(0, bytes + 64);
  }

  @Test
  void theDefaultCopyInASmallPodIsRefusedWithEveryLimitNamed() throws Exception {
    MemoryBudget b = budget(pod(), 277 * MIB);
    MemoryRefusedException e =
        assertThrows(MemoryRefusedException.class, () -> b.reserve(copy(256 * MIB)));
    assertEquals(
        "host-memcpy needs 512.1 MiB of host memory, 77.5 MiB available (cgroup limit 512 MiB, 80"
            + " MiB in use; MemAvailable 20 GiB; numa:0 MemFree 19 GiB; JVM heap may grow by 277"
            + " MiB; tests take at most 50 % of what is free)",
        e.getMessage());
    assertEquals(0, b.reservedBytes());
    // what fits: (512 - 80 - 277) MiB / 2 = 77.5 MiB for both buffers together
    try (MemoryBudget.Reservation r = b.reserve(copy(38 * MIB))) {
      assertEquals(76 * MIB + 64, b.reservedBytes());
    }
    assertEquals(0, b.reservedBytes());
  }

  /** Two sides that each fit alone but not together: the second is refused until the first ends. */
  @Test
  void concurrentReservationsAddUp() throws Exception {
    MemoryBudget b = budget(pod(), 0); // (512 - 80) / 2 = 216 MiB for all tests
    MemoryNeed side = MemoryNeed.of("gpu-h2d").on(0, 150 * MIB);
    MemoryBudget.Reservation first = b.reserve(side);
    MemoryRefusedException e = assertThrows(MemoryRefusedException.class, () -> b.reserve(side));
    assertTrue(
        e.getMessage().startsWith("gpu-h2d needs 150 MiB of host memory, 66 MiB available ("),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("; 150 MiB held by tests running)"), e.getMessage());
    first.close();
    first.close(); // once only: a second close must not free another test's share
    assertEquals(0, b.reservedBytes());
    b.reserve(side).close();
  }

  /**
   * Sides racing on threads: never more granted than the budget holds, and one side at a time reads
   * the limits and adds its share (each reading takes 20 ms here: sides reading at once would all
   * have seen the budget unspent).
   */
  @Test
  void racingSidesAreGrantedNoMoreThanFits() throws Exception {
    FakeTree pod = pod(); // 216 MiB: three of 70 MiB, not four
    AtomicInteger reading = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    MemoryBudget b =
        new MemoryBudget(
            () -> {
              mostAtOnce.accumulateAndGet(reading.incrementAndGet(), Math::max);
              try {
                Thread.sleep(20);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              reading.decrementAndGet();
              return pod.sysfs();
            },
            () -> 0);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger granted = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                  b.reserve(MemoryNeed.of("host-memcpy").on(0, 70 * MIB));
                  granted.incrementAndGet();
                } catch (MemoryRefusedException | InterruptedException e) {
                  // refused: the budget is spent
                }
              });
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertEquals(3, granted.get());
    assertEquals(210 * MIB, b.reservedBytes());
    assertEquals(1, mostAtOnce.get(), "sides read the limits at the same time");
  }

  @Test
  void aNodeWithLittleFreeMemoryRefusesBuffersBoundToIt() throws Exception {
    FakeTree t = pod().nodeFree(1, 100 * MIB);
    t.v2("/", 4 * GIB, 0, 0);
    MemoryBudget b = budget(t, 0);
    MemoryNeed across = MemoryNeed.of("host-memcpy").on(0, 60 * MIB).on(1, 60 * MIB);
    MemoryRefusedException e = assertThrows(MemoryRefusedException.class, () -> b.reserve(across));
    assertTrue(
        e.getMessage()
            .startsWith(
                "host-memcpy needs 60 MiB of host memory on numa:1, 50 MiB available there"),
        e.getMessage());
    assertTrue(e.getMessage().contains("numa:1 MemFree 100 MiB"), e.getMessage());
    b.reserve(MemoryNeed.of("host-memcpy").on(0, 60 * MIB).on(1, 40 * MIB)).close();
  }

  @Test
  void aNodeWithoutMeminfoIsNoBoundAndTheRefusalSaysWhy() throws Exception {
    FakeTree t = pod();
    MemoryBudget b = budget(t, 0);
    b.reserve(MemoryNeed.of("gpu-d2h").on(3, 200 * MIB)).close();
    MemoryRefusedException e =
        assertThrows(
            MemoryRefusedException.class,
            () -> b.reserve(MemoryNeed.of("gpu-d2h").on(3, 300 * MIB)));
    assertTrue(
        e.getMessage()
            .contains("numa:3 MemFree unknown (/sys/devices/system/node/node3/meminfo missing)"),
        e.getMessage());
  }

  /** Heap growth comes off the cgroup's figure only, not off the host's MemAvailable. */
  @Test
  void heapGrowthCountsAgainstTheCgroupOnly() throws Exception {
    FakeTree bare = new FakeTree(dir).memAvailable(200 * MIB).nodeFree(0, GIB);
    MemoryBudget b = budget(bare, GIB);
    b.reserve(MemoryNeed.of("gpu-h2d").on(0, 100 * MIB)).close();
    assertThrows(
        MemoryRefusedException.class,
        () -> b.reserve(MemoryNeed.of("gpu-h2d").on(0, 100 * MIB + 1)));
    FakeTree pod = pod();
    MemoryBudget c = budget(pod, 400 * MIB); // (512 - 80 - 400) / 2 = 16 MiB
    c.reserve(MemoryNeed.of("gpu-h2d").on(0, 16 * MIB)).close();
    assertThrows(
        MemoryRefusedException.class,
        () -> c.reserve(MemoryNeed.of("gpu-h2d").on(0, 16 * MIB + 1)));
  }

  /** Copies between GPUs take no host buffer and read nothing. */
  @Test
  void anEmptyNeedIsAlwaysGranted() throws Exception {
    MemoryBudget b = new MemoryBudget(() -> null, () -> 0);
    b.reserve(MemoryNeed.of("gpu-d2d")).close();
  }

  @Test
  void theAgentHasOneBudget() {
    assertSame(MemoryBudget.shared(), MemoryBudget.shared());
    assertTrue(MemoryBudget.heapGrowth() >= 0);
  }
}
