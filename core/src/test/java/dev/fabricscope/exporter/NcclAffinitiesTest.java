package dev.fabricscope.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.CpuBounds;
import dev.fabricscope.topology.Host;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The NCCL export's {@code <cpu affinity>} of every NUMA node, made in one pass (eleventh security
 * review, finding 3: each node's element re-read every node's list, quadratic in the nodes):
 * generated hosts against a model of the kernel's cpumap, written here with BigInteger (the first
 * node of an id with CPUs counts; every mask is as wide as the machine's highest CPU).
 */
class NcclAffinitiesTest {

  @Test
  void everyNodesMaskIsTheKernelsCpumap() {
    SplittableRandom r = new SplittableRandom(1024);
    for (int run = 0; run < 300; run++) {
      List<Host.NumaNode> nodes = new ArrayList<>();
      int count = 1 + r.nextInt(run % 10 == 0 ? 200 : 8);
      for (int i = 0; i < count; i++) {
        int id = r.nextInt(count + 2);
        String list;
        if (r.nextInt(6) == 0) {
          list = r.nextBoolean() ? "" : null;
        } else {
          int a = r.nextInt(run % 10 == 0 ? CpuBounds.MAX_CPUS : 300);
          int b = Math.min(CpuBounds.MAX_CPUS - 1, a + r.nextInt(64));
          list = r.nextBoolean() ? a + "-" + b : a + "," + b;
        }
        nodes.add(new Host.NumaNode(id, list));
      }
      Host h = new Host("n", null, null, "x86_64", null, nodes);
      assertEquals(model(nodes), NcclAttributes.cpuAffinities(h), "run " + run + ": " + nodes);
    }
  }

  /** At the bounds: 1,024 nodes of all 16,384 CPUs each, every mask 512 words. */
  @Test
  void theLargestHostIsOneMaskPerNode() {
    List<Host.NumaNode> nodes = new ArrayList<>();
    for (int i = 0; i < CpuBounds.MAX_NUMA_NODES; i++) {
      nodes.add(new Host.NumaNode(i, "0-" + (CpuBounds.MAX_CPUS - 1)));
    }
    Map<Integer, String> all =
        NcclAttributes.cpuAffinities(new Host("n", null, null, "x86_64", null, nodes));
    assertEquals(CpuBounds.MAX_NUMA_NODES, all.size());
    String one = "ffffffff,".repeat(CpuBounds.MAX_CPUS / 32 - 1) + "ffffffff";
    assertTrue(all.values().stream().allMatch(one::equals));
  }

  private static Map<Integer, String> model(List<Host.NumaNode> nodes) {
    Map<Integer, BigInteger> own = new HashMap<>();
    int highest = -1;
    for (Host.NumaNode n : nodes) {
      BigInteger set = BigInteger.ZERO;
      if (n.cpulist() != null && !n.cpulist().isBlank()) {
        for (String part : n.cpulist().split(",")) {
          String[] ends = part.split("-");
          int a = Integer.parseInt(ends[0]);
          int b = Integer.parseInt(ends[ends.length - 1]);
          for (int c = a; c <= b; c++) {
            set = set.setBit(c);
            highest = Math.max(highest, c);
          }
        }
      }
      if (set.signum() != 0) {
        own.putIfAbsent(n.id(), set);
      }
    }
    int words = Math.max(1, (highest + 32) / 32);
    Map<Integer, String> out = new HashMap<>();
    for (var e : own.entrySet()) {
      StringBuilder sb = new StringBuilder();
      for (int w = words - 1; w >= 0; w--) {
        long v = e.getValue().shiftRight(32 * w).longValue() & 0xffffffffL;
        sb.append(String.format("%08x", v)).append(w > 0 ? "," : "");
      }
      out.put(e.getKey(), sb.toString());
    }
    return out;
  }
}
