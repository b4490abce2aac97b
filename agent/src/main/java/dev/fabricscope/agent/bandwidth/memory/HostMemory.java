package dev.fabricscope.agent.bandwidth.memory;

import dev.fabricscope.sysfs.SysfsRoot;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The limits on the host memory a test may take, read a moment ago through a {@link SysfsRoot}
 * ({@code /} on the agent's host; a tree in a folder in tests), each in bytes or skipped with why.
 *
 * @param cgroup what this process's cgroup still allows ({@link CgroupMemory})
 * @param available {@code MemAvailable} of {@code /proc/meminfo}: what the host can give without
 *     swapping (inside a pod still the host's figure)
 * @param nodeFree per NUMA node a test's buffers are bound to, {@code MemFree} of {@code
 *     /sys/devices/system/node/nodeN/meminfo}: the C library binds each buffer to one node ({@code
 *     MPOL_BIND}) and touches every page, so that node alone must have the pages; {@code MemFree}
 *     rather than an available figure, as the node file has none
 */
public record HostMemory(
    MemoryBound cgroup, MemoryBound available, Map<Integer, MemoryBound> nodeFree) {

  private static final Pattern MEM_AVAILABLE =
      Pattern.compile("(?m)^MemAvailable:\\s+(\\d{1,15}) kB");

  /** Reads the limits that apply to buffers on these NUMA nodes. */
  public static HostMemory read(SysfsRoot root, Collection<Integer> nodes) {
    MemoryBound available;
    SysfsRoot.Read<String> meminfo = root.text("/proc/meminfo");
    Long avail = meminfo.ok() ? kib(MEM_AVAILABLE.matcher(meminfo.value())) : null;
    if (avail != null) {
      available = MemoryBound.of(avail, "MemAvailable " + MemoryBound.iec(avail));
    } else {
      available =
          MemoryBound.skipped(
              "MemAvailable unknown ("
                  + (meminfo.ok() ? "not in /proc/meminfo" : "/proc/meminfo " + meminfo.problem())
                  + ")");
    }
    Map<Integer, MemoryBound> free = new TreeMap<>();
    for (int n : nodes) {
      free.put(n, nodeFree(root, n));
    }
    return new HostMemory(CgroupMemory.read(root), available, Map.copyOf(free));
  }

  private static MemoryBound nodeFree(SysfsRoot root, int node) {
    String file = "/sys/devices/system/node/node" + node + "/meminfo";
    SysfsRoot.Read<String> text = root.text(file);
    if (!text.ok()) {
      // a kernel without NUMA has no node folder: node 0 is the host, which MemAvailable bounds
      return MemoryBound.skipped(
          "numa:" + node + " MemFree unknown (" + file + " " + text.problem() + ")");
    }
    Long bytes =
        kib(Pattern.compile("Node " + node + " MemFree:\\s+(\\d{1,15}) kB").matcher(text.value()));
    if (bytes == null) {
      return MemoryBound.skipped("numa:" + node + " MemFree unknown (not in " + file + ")");
    }
    return MemoryBound.of(bytes, "numa:" + node + " MemFree " + MemoryBound.iec(bytes));
  }

  /** kB to bytes; 15 digits at most (an exabyte), so a longer number reads as unknown. */
  private static Long kib(Matcher m) {
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : null;
  }
}
