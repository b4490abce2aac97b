package dev.fabricscope.agent.bandwidth.host;

import dev.fabricscope.agent.bandwidth.memory.Meminfo;
import dev.fabricscope.sysfs.SysfsRoot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NUMA nodes a copy can use: each node's CPUs (those this process may run on) and memory, read
 * from {@code /sys/devices/system/node} and {@code /proc/self/status}. A kernel without NUMA
 * support has no node directory; then node 0 stands for the whole machine.
 *
 * @param nodes node id to node, ascending
 * @param numaKernel whether the kernel has NUMA nodes in sysfs (false: node 0 stands for all)
 */
public record NumaNodes(TreeMap<Integer, Node> nodes, boolean numaKernel) {

  /**
   * One node.
   *
   * @param id node number
   * @param cpus CPUs of the node this process may run on (its cpulist ∩ {@code Cpus_allowed_list});
   *     empty for memory-only nodes or when none is allowed
   * @param memTotalBytes the node's memory ({@code MemTotal} of its meminfo), null when unknown
   */
  public record Node(int id, int[] cpus, Long memTotalBytes) {}

  private static final Pattern ALLOWED = Pattern.compile("(?m)^Cpus_allowed_list:\\s*(\\S+)");

  /** The nodes of the running host. */
  public static NumaNodes live() {
    return read(SysfsRoot.of(java.nio.file.Path.of("/")));
  }

  /** The nodes as a (possibly gathered) tree shows them. */
  public static NumaNodes read(SysfsRoot root) {
    int[] allowed = root.textOpt("/proc/self/status").map(NumaNodes::allowedCpus).orElse(null);
    TreeMap<Integer, Node> nodes = new TreeMap<>();
    String dir = "/sys/devices/system/node";
    boolean numa = root.isDirectory(dir);
    if (numa) {
      for (String n : root.list(dir)) {
        if (!n.matches("node[0-9]{1,4}")) {
          continue;
        }
        int id = Integer.parseInt(n.substring(4));
        int[] cpus =
            root.textOpt(dir + "/" + n + "/cpulist").map(CpuList::parse).orElse(new int[0]);
        Long mem =
            root.textOpt(dir + "/" + n + "/meminfo")
                .map(t -> Meminfo.bytes(t, "MemTotal"))
                .orElse(null);
        nodes.put(id, new Node(id, intersect(cpus, allowed), mem));
      }
    }
    if (nodes.isEmpty()) {
      int[] cpus =
          root.textOpt("/sys/devices/system/cpu/online").map(CpuList::parse).orElse(new int[0]);
      nodes.put(0, new Node(0, intersect(cpus, allowed), null));
      numa = false;
    }
    return new NumaNodes(nodes, numa);
  }

  /** The node, if the host has it. */
  public Optional<Node> node(int id) {
    return Optional.ofNullable(nodes.get(id));
  }

  /** Endpoint names of the nodes ({@code numa:0}, ...), as capabilities list them. */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    nodes.keySet().forEach(id -> out.add("numa:" + id));
    return out;
  }

  static int[] allowedCpus(String status) {
    Matcher m = ALLOWED.matcher(status);
    return m.find() ? CpuList.parse(m.group(1)) : null;
  }

  private static int[] intersect(int[] cpus, int[] allowed) {
    if (allowed == null) {
      return cpus;
    }
    return Arrays.stream(cpus).filter(c -> Arrays.binarySearch(allowed, c) >= 0).toArray();
  }
}
