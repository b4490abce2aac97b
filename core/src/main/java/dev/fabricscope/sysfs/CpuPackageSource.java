package dev.fabricscope.sysfs;

import dev.fabricscope.p2p.CpuList;
import dev.fabricscope.topology.Host;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * CPU packages (sockets) from {@code /sys/devices/system/cpu}, found the way hwloc's Linux backend
 * finds them ({@code look_sysfscpu} in hwloc 2.9's {@code topology-linux.c}), so that our hwloc
 * export shows the packages lstopo shows for the same tree:
 *
 * <ul>
 *   <li>the CPUs considered are the {@code cpuN} folders that are online ({@code cpu/online}, else
 *       {@code cpuN/online}) and have a {@code topology} folder;
 *   <li>a CPU's package is the set its {@code topology/package_cpus} mask names (kernels before
 *       5.x: {@code core_siblings}, chosen as hwloc does by what the first CPU has), restricted to
 *       those CPUs; the CPU that is the first of its set makes the package, so a CPU whose set does
 *       not start with a CPU of its own set makes none (hwloc's test tree {@code
 *       40intel64-4n10c+pci-conflicts} has such a conflicting fourth socket: 3 packages);
 *   <li>the package's number is that CPU's {@code physical_package_id} (null for -1 or absent);
 *   <li>a set that overlaps an earlier package's is left out with a diagnostic (hwloc refuses to
 *       insert a conflicting object).
 * </ul>
 */
final class CpuPackageSource {

  private static final String CPU = "/sys/devices/system/cpu";

  private final SysfsRoot root;
  private final Diagnostics diag;

  CpuPackageSource(SysfsRoot root, Diagnostics diag) {
    this.root = root;
    this.diag = diag;
  }

  /** The packages in the order of their first CPU; empty (and diagnosed) when unknown. */
  List<Host.CpuPackage> read() {
    List<Host.CpuPackage> out = new ArrayList<>();
    if (!root.isDirectory(CPU)) {
      diag.add(CPU, "missing: CPU packages unknown");
      return out;
    }
    BitSet online = CpuList.parse(root.textOpt(CPU + "/online").orElse(null));
    BitSet cpus = new BitSet();
    for (String name : root.list(CPU)) {
      if (!name.matches("cpu\\d{1,6}")) {
        continue;
      }
      int n = Integer.parseInt(name.substring(3));
      boolean on =
          online != null
              ? online.get(n)
              : !root.textOpt(CPU + "/" + name + "/online")
                  .map(String::trim)
                  .orElse("1")
                  .equals("0");
      if (on && root.isDirectory(CPU + "/" + name + "/topology")) {
        cpus.set(n);
      }
    }
    String file = packageFile(cpus);
    if (file == null) {
      diag.add(CPU, "no cpuN/topology/package_cpus or core_siblings: CPU packages unknown");
      return out;
    }
    BitSet taken = new BitSet();
    for (int c = cpus.nextSetBit(0); c >= 0; c = cpus.nextSetBit(c + 1)) {
      String path = CPU + "/cpu" + c + "/topology/" + file;
      BitSet set = parseMask(root.textOpt(path).orElse(null));
      if (set == null) {
        continue;
      }
      set.and(cpus);
      if (set.nextSetBit(0) != c) {
        continue; // not the first CPU of its package (or a conflicting set that omits itself)
      }
      if (set.intersects(taken)) {
        diag.add(path, "package set overlaps an earlier package's: left out, as hwloc does");
        continue;
      }
      taken.or(set);
      String id =
          root.textOpt(CPU + "/cpu" + c + "/topology/physical_package_id").orElse("").trim();
      Integer pid = id.matches("\\d{1,9}") ? Integer.valueOf(id) : null;
      out.add(new Host.CpuPackage(pid, CpuList.format(set)));
    }
    return out;
  }

  /**
   * {@code package_cpus} when the first considered CPU has it or {@code core_cpus} (hwloc's "new
   * filenames"), {@code core_siblings} when it has that or {@code thread_siblings}; null otherwise.
   */
  private String packageFile(BitSet cpus) {
    int first = cpus.nextSetBit(0);
    if (first < 0) {
      return null;
    }
    String t = CPU + "/cpu" + first + "/topology/";
    if (root.exists(t + "package_cpus") || root.exists(t + "core_cpus")) {
      return "package_cpus";
    }
    if (root.exists(t + "core_siblings") || root.exists(t + "thread_siblings")) {
      return "core_siblings";
    }
    return null;
  }

  /** The kernel's mask format ({@code 0000,00000011,11111111}: 32-bit hex words, high first). */
  static BitSet parseMask(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String[] words = text.trim().split(",", -1);
    if (words.length > 2048) {
      return null;
    }
    BitSet out = new BitSet();
    for (int w = 0; w < words.length; w++) {
      String word = words[words.length - 1 - w].trim();
      if (word.isEmpty()) {
        continue;
      }
      if (!word.matches("[0-9a-fA-F]{1,8}")) {
        return null;
      }
      long v = Long.parseLong(word, 16);
      for (int b = 0; b < 32; b++) {
        if ((v & (1L << b)) != 0) {
          out.set(w * 32 + b);
        }
      }
    }
    return out;
  }
}
