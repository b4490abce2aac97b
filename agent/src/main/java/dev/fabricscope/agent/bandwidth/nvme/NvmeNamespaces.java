package dev.fabricscope.agent.bandwidth.nvme;

import dev.fabricscope.sysfs.SysfsRoot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The block device of an NVMe controller's first namespace, found in sysfs (never taken from a
 * request): {@code /sys/bus/pci/devices/BDF/nvme/nvmeX/nvmeXnY} names {@code /dev/nvmeXnY}. With
 * native NVMe multipath the controller holds the hidden path {@code nvmeScXnY} instead; its block
 * device is the subsystem's head {@code nvmeSnY}. Lowest controller, then lowest namespace id
 * first. Works on the live {@code /} or a gathered tree.
 */
public final class NvmeNamespaces {

  private static final Pattern BDF =
      Pattern.compile("[0-9a-f]{4,8}:[0-9a-f]{2}:[0-1][0-9a-f]\\.[0-7]");
  private static final Pattern CONTROLLER = Pattern.compile("nvme([0-9]{1,5})");
  private static final Pattern NAMESPACE = Pattern.compile("nvme([0-9]{1,5})n([0-9]{1,5})");
  private static final Pattern PATH = Pattern.compile("nvme([0-9]{1,5})c[0-9]{1,5}n([0-9]{1,5})");

  private final SysfsRoot root;

  public NvmeNamespaces(SysfsRoot root) {
    this.root = root;
  }

  /**
   * The block device name ({@code nvme0n1}) of the first namespace of the controller at {@code
   * bdf}; empty when the function is no NVMe controller or has no namespace.
   */
  public Optional<String> namespace(String bdf) {
    if (!BDF.matcher(bdf).matches()) {
      return Optional.empty();
    }
    String dir = "/sys/bus/pci/devices/" + bdf + "/nvme";
    if (!root.isDirectory(dir)) {
      return Optional.empty();
    }
    List<String> controllers = numbered(root.list(dir), CONTROLLER);
    for (String c : controllers) {
      List<int[]> found = new ArrayList<>();
      for (String entry : root.list(dir + "/" + c)) {
        Matcher m = NAMESPACE.matcher(entry);
        if (!m.matches()) {
          m = PATH.matcher(entry);
        }
        if (m.matches()) {
          found.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
      }
      Optional<int[]> first =
          found.stream().min(Comparator.<int[]>comparingInt(x -> x[1]).thenComparingInt(x -> x[0]));
      if (first.isPresent()) {
        return Optional.of("nvme" + first.get()[0] + "n" + first.get()[1]);
      }
    }
    return Optional.empty();
  }

  /** Every PCI function of the host that is an NVMe controller with a namespace, in BDF order. */
  public List<String> controllers() {
    String dir = "/sys/bus/pci/devices";
    if (!root.isDirectory(dir)) {
      return List.of();
    }
    return root.list(dir).stream()
        .filter(b -> BDF.matcher(b).matches())
        .filter(b -> namespace(b).isPresent())
        .sorted()
        .toList();
  }

  private static List<String> numbered(List<String> names, Pattern p) {
    return names.stream()
        .filter(n -> p.matcher(n).matches())
        .sorted(Comparator.comparingInt(n -> Integer.parseInt(n.substring(4))))
        .toList();
  }
}
