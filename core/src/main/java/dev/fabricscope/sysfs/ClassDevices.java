package dev.fabricscope.sysfs;

import java.util.Optional;

/** Shared helpers for the {@code /sys/class/<x>} sources. */
final class ClassDevices {

  private ClassDevices() {}

  /**
   * The PCI function behind a class device's {@code device} link: the last BDF of the resolved path
   * (mlx5 sub-functions and NVMe controllers sit below their function), or, when the link leaves
   * the root, the last BDF of the link text itself.
   */
  static Optional<String> pciFunction(SysfsRoot root, String classDir) {
    String link = classDir + "/device";
    Optional<String> text = root.linkText(link);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String path = root.resolve(link).orElse(text.get());
    return Optional.ofNullable(lastBdf(path));
  }

  /**
   * The PCI function a resolved class directory sits below ({@code
   * /sys/devices/pci0000:00/0000:00:01.3/0000:03:00.0/net/enp3s0} → {@code 0000:03:00.0}); empty
   * for virtual devices and paths outside {@code /sys/devices}. Only the path text is used.
   */
  static Optional<String> pciFunctionOfPath(String resolvedClassDir) {
    if (resolvedClassDir == null || !resolvedClassDir.startsWith("/sys/devices/pci")) {
      return Optional.empty();
    }
    return Optional.ofNullable(lastBdf(SysfsPaths.parentOf(resolvedClassDir)));
  }

  /** The last path component that is a PCI address, or null. */
  static String lastBdf(String path) {
    String found = null;
    for (String part : path.split("/")) {
      if (PciTopology.BDF.matcher(part).matches()) {
        found = part;
      }
    }
    return found;
  }

  /** The directory of a class entry: the link resolved, or the entry if it is a plain folder. */
  static Optional<String> entryDir(SysfsRoot root, String entry) {
    return root.resolve(entry);
  }
}
