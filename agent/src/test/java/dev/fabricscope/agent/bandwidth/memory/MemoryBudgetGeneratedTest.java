package dev.fabricscope.agent.bandwidth.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random hosts (cgroup v1, v2 with a parent or none, limits or none, usages and reclaimable file
 * cache, MemAvailable and node MemFree present or missing, heap growth) written as files, and
 * random sequences of reservations and releases: every grant or refusal must match the plain
 * formula, written out again here in integer arithmetic.
 */
class MemoryBudgetGeneratedTest {

  private static final long UNBOUNDED = Long.MAX_VALUE;
  private static final int NODES = 3;

  @TempDir Path dir;

  /** One random host as the files show it, and the figures the formula takes. */
  private record Host(Long cgroupFree, Long available, List<Long> nodeFree) {}

  @Test
  void grantsMatchThePlainFormula() throws IOException {
    Random rnd = new Random(20240607);
    int refused = 0;
    int granted = 0;
    for (int c = 0; c < 400; c++) {
      Path root = Files.createDirectory(dir.resolve("host" + c));
      Host h = writeHost(new FakeTree(root), rnd);
      long growth = rnd.nextBoolean() ? 0 : size(rnd, 1L << 30);
      MemoryBudget budget = new MemoryBudget(new FakeTree(root)::sysfs, () -> growth);
      List<MemoryBudget.Reservation> held = new ArrayList<>();
      long reserved = 0;
      Map<Integer, Long> onNode = new HashMap<>();
      for (int step = 0; step < 6; step++) {
        if (!held.isEmpty() && rnd.nextInt(3) == 0) {
          MemoryBudget.Reservation r = held.remove(rnd.nextInt(held.size()));
          r.close();
          reserved -= r.need().total();
          r.need().bytesByNode().forEach((n, b) -> onNode.merge(n, -b, Long::sum));
          continue;
        }
        // half the needs near what is left, where any slip in the formula changes the answer
        long left = hostUsable(h, growth) - reserved;
        boolean near = left > 0 && left < (16L << 30) && rnd.nextBoolean();
        MemoryNeed need = MemoryNeed.of("t");
        for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
          long bytes = near ? (long) (left * rnd.nextDouble()) : size(rnd, 4L << 30);
          need = need.on(rnd.nextInt(NODES), bytes);
        }
        boolean fits = need.total() + reserved <= hostUsable(h, growth);
        for (var e : need.bytesByNode().entrySet()) {
          Long free = h.nodeFree().get(e.getKey());
          if (free != null && onNode.getOrDefault(e.getKey(), 0L) + e.getValue() > free / 2) {
            fits = false;
          }
        }
        String where = "host " + c + " " + h + " growth " + growth + " step " + step + " " + need;
        try {
          held.add(budget.reserve(need));
          assertEquals(true, fits, where + " granted");
          granted++;
          reserved += need.total();
          need.bytesByNode().forEach((n, b) -> onNode.merge(n, b, Long::sum));
        } catch (MemoryRefusedException e) {
          assertEquals(false, fits, where + " refused: " + e.getMessage());
          refused++;
        }
        assertEquals(reserved, budget.reservedBytes(), where);
      }
    }
    // the cases must reach both answers often, or the comparison proves little
    assertEquals(
        true, granted > 300 && refused > 300, granted + " granted, " + refused + " refused");
  }

  /** Half of the least of (cgroup free less heap growth, at least 0) and MemAvailable. */
  private static long hostUsable(Host h, long growth) {
    long least = UNBOUNDED;
    if (h.cgroupFree() != null) {
      least = Math.max(0, h.cgroupFree() - growth);
    }
    if (h.available() != null) {
      least = Math.min(least, h.available());
    }
    return least == UNBOUNDED ? UNBOUNDED : least / 2;
  }

  private static Host writeHost(FakeTree t, Random rnd) {
    Long cgroupFree = null;
    switch (rnd.nextInt(4)) {
      case 0 -> t.selfCgroup("0::/\n"); // v2 without a limit file at the root: no limit
      case 1 -> {
        // the agent's cgroup and the pod's above it, each limited or not
        t.selfCgroup("0::/pod/agent\n");
        for (String level : new String[] {"/pod/agent", "/pod"}) {
          boolean limited = rnd.nextInt(3) != 0;
          long limit = size(rnd, 8L << 30);
          long usage = size(rnd, 8L << 30);
          long inactive = rnd.nextBoolean() ? 0 : (long) (usage * rnd.nextDouble());
          t.v2(level, limited ? limit : null, usage, inactive);
          if (limited) {
            long free = Math.max(0, limit - (usage - inactive));
            cgroupFree = cgroupFree == null ? free : Math.min(cgroupFree, free);
          }
        }
      }
      case 2 -> {
        t.selfCgroup("7:memory:/docker/x\n0::/\n");
        long limit = size(rnd, 8L << 30);
        long usage = size(rnd, 8L << 30);
        long inactive = rnd.nextBoolean() ? 0 : (long) (usage * rnd.nextDouble());
        t.v1("/docker/x", limit, usage, inactive);
        t.v1("/docker", CgroupMemory.V1_UNLIMITED + size(rnd, 1L << 30), usage, 0);
        cgroupFree = Math.max(0, limit - Math.max(0, usage - inactive));
      }
      default -> {
        // no cgroup files at all
      }
    }
    Long available = null;
    if (rnd.nextInt(5) != 0) {
      available = size(rnd, 16L << 30) / 1024 * 1024; // meminfo counts kB
      t.memAvailable(available);
    }
    Long[] nodeFree = new Long[NODES];
    for (int n = 0; n < NODES; n++) {
      if (rnd.nextInt(4) != 0) {
        nodeFree[n] = size(rnd, 8L << 30) / 1024 * 1024;
        t.nodeFree(n, nodeFree[n]);
      }
    }
    return new Host(cgroupFree, available, Arrays.asList(nodeFree));
  }

  /** 0 to max bytes, small sizes as likely as large ones (log-uniform), some exactly 0. */
  private static long size(Random rnd, long max) {
    if (rnd.nextInt(20) == 0) {
      return 0;
    }
    double exp = rnd.nextDouble() * Math.log(max);
    return Math.min(max, (long) Math.exp(exp));
  }
}
