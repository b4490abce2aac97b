package dev.fabricscope.agent.bandwidth.host;

import java.util.TreeSet;

/**
 * The kernel's CPU list format ({@code 0-7,16-23}, as in {@code /sys/devices/system/node/node0/
 * cpulist} and {@code Cpus_allowed_list} of {@code /proc/self/status}), read into CPU numbers.
 */
public final class CpuList {

  /** Largest CPU number accepted, as glibc's {@code CPU_SETSIZE}. */
  public static final int MAX_CPU = 1023;

  private CpuList() {}

  /**
   * The CPUs of a list, ascending and without duplicates; empty for an empty list.
   *
   * @throws IllegalArgumentException when the text is not a CPU list
   */
  public static int[] parse(String text) {
    TreeSet<Integer> cpus = new TreeSet<>();
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return new int[0];
    }
    for (String part : t.split(",")) {
      String[] range = part.strip().split("-", -1);
      if (range.length > 2) {
        throw new IllegalArgumentException("not a CPU list: " + text);
      }
      int from = cpu(range[0], text);
      int to = range.length == 2 ? cpu(range[1], text) : from;
      if (to < from) {
        throw new IllegalArgumentException("CPU range backwards in " + text);
      }
      for (int c = from; c <= to; c++) {
        cpus.add(c);
      }
    }
    return cpus.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int cpu(String s, String whole) {
    if (!s.matches("[0-9]{1,4}")) {
      throw new IllegalArgumentException("not a CPU list: " + whole);
    }
    int c = Integer.parseInt(s);
    if (c > MAX_CPU) {
      throw new IllegalArgumentException("CPU " + c + " above " + MAX_CPU + " in " + whole);
    }
    return c;
  }
}
