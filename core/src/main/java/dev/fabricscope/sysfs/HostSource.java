package dev.fabricscope.sysfs;

import dev.fabricscope.text.LinearText;
import dev.fabricscope.topology.Host;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the host's identity from procfs, {@code /sys/devices/system/node} and the CPU packages from
 * {@code /sys/devices/system/cpu} ({@link CpuPackageSource}).
 */
public final class HostSource {

  private final SysfsRoot root;
  private final Diagnostics diag;

  public HostSource(SysfsRoot root, Diagnostics diag) {
    this.root = root;
    this.diag = diag;
  }

  /** Reads name, kernel, CPU, NUMA nodes and packages; what is missing is null and diagnosed. */
  public Host read() {
    Map<String, String> uname = hwlocUname();
    String name = root.textOpt("/proc/sys/kernel/hostname").orElse(null);
    if (name == null) {
      name = root.textOpt("/etc/hostname").orElse(uname.get("HostName"));
      if (name == null) {
        diag.add("/proc/sys/kernel/hostname", "missing (and no /etc/hostname): host name unknown");
      }
    }
    String kernel = root.textOpt("/proc/sys/kernel/osrelease").orElse(uname.get("OSRelease"));
    if (kernel == null) {
      diag.add("/proc/sys/kernel/osrelease", "missing: kernel version unknown");
    }
    // only what bears on the fabric keeps its value: the line can hold credentials (iSCSI CHAP in
    // netroot=, provisioning tokens), and the report travels to the server
    String cmdline =
        KernelCommandLine.redact(optional("/proc/cmdline", "kernel command line unknown"));
    String cpuinfo = root.textOpt("/proc/cpuinfo").orElse(null);
    Host.Cpu cpu = null;
    String arch = null;
    if (cpuinfo == null) {
      diag.add("/proc/cpuinfo", "missing: CPU vendor and family unknown");
    } else {
      cpu = parseCpu(cpuinfo);
      arch = architecture(cpuinfo);
    }
    if (uname.containsKey("Architecture")) {
      arch = uname.get("Architecture"); // uname -m, exact where cpuinfo only hints
    }
    List<Host.NumaNode> nodes = numaNodes();
    return new Host(
        name, kernel, cmdline, arch, cpu, nodes, new CpuPackageSource(root, diag).read());
  }

  /**
   * hwloc-gather-topology records what it learnt from uname(2) in {@code /proc/hwloc-nofile-info}
   * ({@code HostName: x}, {@code OSRelease: y}, {@code Architecture: z}); gathered archives often
   * hold no {@code /proc/sys/kernel}.
   */
  private Map<String, String> hwlocUname() {
    Map<String, String> out = new HashMap<>();
    root.textOpt("/proc/hwloc-nofile-info")
        .ifPresent(
            t -> {
              for (String line : t.split("\n")) {
                int c = line.indexOf(':');
                if (c > 0) {
                  out.put(line.substring(0, c).trim(), line.substring(c + 1).trim());
                }
              }
            });
    return out;
  }

  private String optional(String path, String consequence) {
    SysfsRoot.Read<String> r = root.text(path);
    if (!r.ok()) {
      diag.add(path, r.problem() + ": " + consequence);
    }
    return r.value();
  }

  /** The first processor's identification and the number of processors (x86, POWER, Arm). */
  static Host.Cpu parseCpu(String cpuinfo) {
    String vendor = null;
    String modelName = null;
    Integer family = null;
    Integer model = null;
    int processors = 0;
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "processor" -> processors++;
        case "vendor_id" -> vendor = vendor == null ? value : vendor;
        case "cpu family" -> family = family == null ? PciSysfsSource.intOrNull(value) : family;
        case "model" -> model = model == null ? PciSysfsSource.intOrNull(value) : model;
        case "model name" -> modelName = modelName == null ? value : modelName;
        case "cpu" -> modelName = modelName == null ? value : modelName; // POWER: "POWER9 ..."
        case "CPU implementer" -> vendor = vendor == null ? "ARM implementer " + value : vendor;
        default -> {}
      }
    }
    return new Host.Cpu(vendor, family, model, modelName, processors == 0 ? null : processors);
  }

  static String architecture(String cpuinfo) {
    if (cpuinfo.contains("vendor_id")) {
      return longMode(cpuinfo) ? "x86_64" : "x86";
    }
    if (cpuinfo.contains("POWER")) {
      return "ppc64";
    }
    if (cpuinfo.contains("CPU implementer")) {
      return "aarch64";
    }
    return null;
  }

  /**
   * Whether a {@code flags} line lists {@code lm} (x86 long mode): what the pattern {@code
   * (?s).*\nflags\s*:[^\n]* lm( [^\n]*)?\n.*} said (a flags line after the first line, ended by a
   * newline, with the word {@code lm} after a space), found in one pass. The pattern backtracked in
   * O(L²) on a long flags line of " lm" words without its newline: an archive's cpuinfo is hostile
   * input of up to 8 MiB.
   */
  static boolean longMode(String cpuinfo) {
    int at = cpuinfo.indexOf("\nflags");
    while (at >= 0) {
      int i = at + "\nflags".length();
      while (i < cpuinfo.length() && LinearText.isSpace(cpuinfo.charAt(i))) {
        i++; // \s* crosses newlines too, as it did in the pattern
      }
      if (i == cpuinfo.length() || cpuinfo.charAt(i) != ':') {
        at = cpuinfo.indexOf("\nflags", at + 1);
        continue;
      }
      int eol = cpuinfo.indexOf('\n', i + 1);
      if (eol < 0) {
        return false; // no newline ends this line, so none ends a later one
      }
      for (int p = i + 1; p + 3 <= eol; p++) {
        if (cpuinfo.startsWith(" lm", p) && (p + 3 == eol || cpuinfo.charAt(p + 3) == ' ')) {
          return true;
        }
      }
      at = cpuinfo.indexOf("\nflags", eol);
    }
    return false;
  }

  private static final java.util.regex.Pattern MEM_TOTAL =
      java.util.regex.Pattern.compile("(?m)^Node \\d+ MemTotal:\\s+(\\d+) kB$");

  /**
   * A node's memory in bytes: {@code Node 0 MemTotal: 134204252 kB} of {@code nodeN/meminfo}, the
   * figure hwloc's Linux backend writes as the node's {@code local_memory} (kB × 1024); null when
   * the file is absent or says otherwise.
   */
  private Long memTotal(String meminfo) {
    String text = root.textOpt(meminfo).orElse(null);
    java.util.regex.Matcher m = text == null ? null : MEM_TOTAL.matcher(text);
    if (m == null || !m.find()) {
      diag.add(meminfo, "missing or without MemTotal: node memory unknown");
      return null;
    }
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), 1024L);
    } catch (ArithmeticException | NumberFormatException e) {
      diag.add(meminfo, "MemTotal out of range: node memory unknown");
      return null;
    }
  }

  private List<Host.NumaNode> numaNodes() {
    String dir = "/sys/devices/system/node";
    List<Host.NumaNode> nodes = new ArrayList<>();
    if (!root.isDirectory(dir)) {
      diag.add(dir, "missing: NUMA nodes unknown");
      return nodes;
    }
    for (String n : root.list(dir)) {
      if (!n.matches("node\\d+")) {
        continue;
      }
      if (!n.matches("node\\d{1,9}")) {
        // the kernel numbers nodes below MAX_NUMNODES (1024): this is no node of a real host
        diag.add(dir + "/" + n, "not a NUMA node number this reader accepts: skipped");
        continue;
      }
      int id = Integer.parseInt(n.substring(4));
      SysfsRoot.Read<String> cpus = root.text(dir + "/" + n + "/cpulist");
      if (!cpus.ok()) {
        diag.failed(dir + "/" + n + "/cpulist", cpus);
      }
      nodes.add(new Host.NumaNode(id, cpus.value(), memTotal(dir + "/" + n + "/meminfo")));
    }
    nodes.sort((a, b) -> Integer.compare(a.id(), b.id()));
    return nodes;
  }
}
