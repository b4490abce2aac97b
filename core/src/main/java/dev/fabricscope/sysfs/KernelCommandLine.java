package dev.fabricscope.sysfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The kernel command line as reports and gathered archives carry it: the parameters that bear on
 * PCIe, the IOMMU, NUMA, memory and CPU idle states kept whole, every other parameter's value
 * replaced by {@value #REDACTED} (fifteenth security review, finding 3). A diskless GPU node's
 * command line holds credentials ({@code netroot=iscsi:USER:PASSWORD@…}, a provisioning URL with
 * {@code token=…}); the report took them to the server and to everyone reading host reports there.
 *
 * <p>The rules, in the order applied to each whitespace-separated parameter (double quotes group,
 * as the kernel reads them):
 *
 * <ul>
 *   <li>a name on the allow-list ({@link #NAMES}, or starting with one of {@link #PREFIXES}) keeps
 *       its value: {@code pci=}, {@code iommu=pt}, {@code intel_iommu=on}, {@code
 *       pcie_acs_override=}, {@code hugepages=}, {@code isolcpus=}, {@code nvidia.NVreg_…=} …;
 *   <li>any other {@code name=value} becomes {@code name=<redacted>} ({@code root=}, {@code
 *       netroot=}, {@code ip=}, {@code ignition.config.url=}, {@code rd.*} …);
 *   <li>a switch without a value ({@code quiet}, {@code nosmt}) stays when it is a plain lowercase
 *       name; anything else is {@value #REDACTED};
 *   <li>everything after {@code --} (arguments for init) is one {@value #REDACTED}.
 * </ul>
 *
 * Redacting a redacted line changes nothing, so a gathered archive read again, or a report that
 * passed an agent twice, stays as it was.
 */
public final class KernelCommandLine {

  /** What replaces a value, or a whole parameter, that is not on the allow-list. */
  public static final String REDACTED = "<redacted>";

  /** Parameter names kept with their values. */
  static final Set<String> NAMES =
      Set.of(
          "pci",
          "iommu",
          "numa",
          "numa_balancing",
          "hugepages",
          "hugepagesz",
          "default_hugepagesz",
          "transparent_hugepage",
          "isolcpus",
          "nohz",
          "nohz_full",
          "rcu_nocbs",
          "irqaffinity",
          "mem",
          "memmap",
          "swiotlb",
          "idle",
          "intel_pstate",
          "amd_pstate",
          "nosmt",
          "mitigations",
          "noapic",
          "nox2apic",
          "efi");

  /**
   * Starts of names kept with their values: IOMMU and PCIe options, ACPI, and the module options of
   * the drivers and cores whose devices the fabric is made of ({@code nvidia.NVreg_…}, {@code
   * mlx5_core.…}, {@code nvme_core.…}).
   */
  static final List<String> PREFIXES =
      List.of(
          "iommu.",
          "intel_iommu",
          "amd_iommu",
          "pcie_",
          "pci_",
          "acpi",
          "numa_",
          "processor.",
          "intel_idle.",
          "cpuidle.",
          "cpufreq.",
          "nvidia",
          "mlx5_core.",
          "mlx4_core.",
          "ib_core.",
          "ib_uverbs.",
          "nvme.",
          "nvme_core.",
          "vfio");

  /** A switch without a value kept as it is: a lowercase name, as kernel switches are. */
  private static final Pattern SWITCH = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

  /** A parameter name: what the kernel and dracut use. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  private KernelCommandLine() {}

  /** The command line with every value off the allow-list replaced; null stays null. */
  public static String redact(String cmdline) {
    if (cmdline == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String p : split(cmdline)) {
      if (p.equals("--")) {
        out.add("--");
        out.add(REDACTED); // init's arguments: anything at all
        break;
      }
      out.add(parameter(p));
    }
    return String.join(" ", out);
  }

  private static String parameter(String p) {
    int eq = p.indexOf('=');
    String name = eq < 0 ? p : p.substring(0, eq);
    if (!NAME.matcher(name).matches()) {
      return REDACTED; // quotes, control characters or a marker: nothing to name it by
    }
    if (allowed(name)) {
      return p;
    }
    if (eq < 0) {
      return SWITCH.matcher(name).matches() ? name : REDACTED;
    }
    return name + "=" + REDACTED;
  }

  /** Whether a parameter of this name keeps its value. */
  static boolean allowed(String name) {
    if (NAMES.contains(name)) {
      return true;
    }
    for (String prefix : PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The parameters, split at whitespace outside double quotes (the kernel's next_arg). */
  static List<String> split(String cmdline) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < cmdline.length(); i++) {
      char c = cmdline.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (!quoted && Character.isWhitespace(c)) {
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }
}
