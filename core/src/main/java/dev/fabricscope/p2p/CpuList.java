package dev.fabricscope.p2p;

import dev.fabricscope.topology.CpuBounds;
import java.util.BitSet;

/**
 * The kernel's list format for CPU and node sets ({@code 0-17,36-53}, as in {@code local_cpulist}
 * and {@code node/nodeN/cpulist}, p2p-rules.md §6.1), which is also how {@code nvidia-smi topo -m}
 * prints its {@code CPU Affinity} and {@code NUMA Affinity} columns.
 */
public final class CpuList {

  private CpuList() {}

  /**
   * The set a list names; null when the text is not a list (so callers can say N/A), or names a CPU
   * past {@link CpuBounds#MAX_CPUS} (a snapshot stored before the report checks bounded them: a set
   * is then at most 2 KiB).
   */
  public static BitSet parse(String list) {
    if (list == null || list.isBlank()) {
      return null;
    }
    BitSet out = new BitSet();
    try {
      for (String part : list.trim().split(",")) {
        int dash = part.indexOf('-');
        int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).trim());
        int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
        if (from < 0 || to < from || to >= CpuBounds.MAX_CPUS) {
          return null;
        }
        out.set(from, to + 1);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return out;
  }

  /**
   * {@link #parse}, with an empty set where it answers null: for writers that give a mask for every
   * object (hwloc's cpusets, NCCL's {@code affinity}), where an unreadable list means no CPUs.
   */
  public static BitSet parseOrEmpty(String list) {
    BitSet set = parse(list);
    return set == null ? new BitSet() : set;
  }

  /** The list form of a set: runs of two or more as {@code a-b}, like the kernel writes them. */
  public static String format(BitSet set) {
    StringBuilder sb = new StringBuilder();
    for (int i = set.nextSetBit(0); i >= 0; ) {
      int end = set.nextClearBit(i) - 1;
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(i);
      if (end > i) {
        sb.append('-').append(end);
      }
      i = set.nextSetBit(end + 1);
    }
    return sb.toString();
  }
}
