package dev.fabricscope.topology;

import java.util.List;

/**
 * The machine a report describes.
 *
 * @param name host name ({@code /proc/sys/kernel/hostname}), null if unknown
 * @param kernelVersion {@code uname -r} ({@code /proc/sys/kernel/osrelease})
 * @param kernelCommandLine {@code /proc/cmdline}, where {@code pci=} options live
 * @param architecture CPU architecture as the kernel names it (x86_64, aarch64, ppc64le), if known
 * @param cpu CPU identification from {@code /proc/cpuinfo}
 * @param numaNodes NUMA nodes from {@code /sys/devices/system/node}
 * @param packages CPU packages (sockets) as hwloc finds them: from {@code
 *     /sys/devices/system/cpu/cpuN/topology}, or hwloc XML's {@code Package} objects; empty when
 *     the source does not say (NCCL XML, lspci text, a tree without CPU topology files). Absent in
 *     reports of older agents, read as empty.
 */
public record Host(
    String name,
    String kernelVersion,
    String kernelCommandLine,
    String architecture,
    Cpu cpu,
    List<NumaNode> numaNodes,
    List<CpuPackage> packages) {

  public Host {
    numaNodes = List.copyOf(numaNodes);
    packages = packages == null ? List.of() : List.copyOf(packages);
  }

  /** A host whose packages are not known (sources that do not describe them). */
  public Host(
      String name,
      String kernelVersion,
      String kernelCommandLine,
      String architecture,
      Cpu cpu,
      List<NumaNode> numaNodes) {
    this(name, kernelVersion, kernelCommandLine, architecture, cpu, numaNodes, List.of());
  }

  /** This host under another name. */
  public Host withName(String newName) {
    return new Host(
        newName, kernelVersion, kernelCommandLine, architecture, cpu, numaNodes, packages);
  }

  /** This host with other CPU identification. */
  public Host withCpu(Cpu newCpu) {
    return new Host(
        name, kernelVersion, kernelCommandLine, architecture, newCpu, numaNodes, packages);
  }

  /** This host with other NUMA nodes; its packages stay. */
  public Host withNumaNodes(List<NumaNode> newNodes) {
    return new Host(name, kernelVersion, kernelCommandLine, architecture, cpu, newNodes, packages);
  }

  /**
   * CPU identification of the first processor in {@code /proc/cpuinfo}; the kernel's AMD
   * family-0x17 P2P rule (p2p-rules.md §2.5) needs vendor and family.
   *
   * @param vendor {@code vendor_id}, e.g. GenuineIntel, AuthenticAMD
   * @param family {@code cpu family} (decimal)
   * @param model {@code model} (decimal)
   * @param modelName {@code model name} (or {@code cpu} on POWER)
   * @param logicalCpus number of {@code processor} entries
   */
  public record Cpu(
      String vendor, Integer family, Integer model, String modelName, Integer logicalCpus) {}

  /**
   * A NUMA node.
   *
   * @param id node number
   * @param cpulist CPUs of the node in list format ({@code 0-7,16-23}); empty for memory-only nodes
   * @param memoryBytes the node's memory ({@code MemTotal} of {@code nodeN/meminfo}, hwloc's {@code
   *     local_memory}), null when the source does not say
   */
  public record NumaNode(int id, String cpulist, Long memoryBytes) {

    /** A node whose memory size is not known. */
    public NumaNode(int id, String cpulist) {
      this(id, cpulist, null);
    }
  }

  /**
   * A CPU package (socket): hwloc's {@code Package} object.
   *
   * @param id {@code physical_package_id} of its CPUs (hwloc's {@code os_index}); null when the
   *     kernel says {@code -1} or the source gives none
   * @param cpulist its online CPUs in list format ({@code 0,2,4-7}): the CPUs whose {@code
   *     package_cpus} (older kernels: {@code core_siblings}) name the same set
   */
  public record CpuPackage(Integer id, String cpulist) {}
}
