package dev.fabricscope.agent.bandwidth.memory;

import dev.fabricscope.sysfs.SysfsRoot;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

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

  /** Reads the limits that apply to buffers on these NUMA nodes. */
  public static HostMemory read(SysfsRoot root, Collection<Integer> nodes) {
    MemoryBound available;
    SysfsRoot.Read<String> meminfo = root.text("/proc/meminfo");
    Long avail = meminfo.ok() ? Meminfo.bytes(meminfo.value(), "MemAvailable") : null;
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
    Long bytes = Meminfo.bytes(text.value(), "MemFree");
    if (bytes == null) {
      return MemoryBound.skipped("numa:" + node + " MemFree unknown (not in " + file + ")");
    }
    return MemoryBound.of(bytes, "numa:" + node + " MemFree " + MemoryBound.iec(bytes));
  }
}
