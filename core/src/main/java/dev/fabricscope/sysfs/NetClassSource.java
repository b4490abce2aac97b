package dev.fabricscope.sysfs;

import dev.fabricscope.topology.NetInterface;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code /sys/class/net}: each interface's PCI function, speed and state. The function is the
 * one the {@code device} link leads to; without that link, the last PCI address in the path the
 * class entry itself resolves to, as hwloc does (topology-linux.c, {@code
 * hwloc_linuxfs_find_osdev_parent}: the real path of {@code /sys/class/net/IF} is walked for its
 * PCI parent). Virtual interfaces ({@code /sys/devices/virtual/net/lo}) have none.
 */
public final class NetClassSource {

  static final String NET = "/sys/class/net";

  private final SysfsRoot root;
  private final Diagnostics diag;

  public NetClassSource(SysfsRoot root, Diagnostics diag) {
    this.root = root;
    this.diag = diag;
  }

  /** All interfaces, by name. Virtual interfaces have no PCI function. */
  public List<NetInterface> read() {
    List<NetInterface> out = new ArrayList<>();
    if (!root.isDirectory(NET)) {
      diag.add(NET, "missing: network interfaces unknown");
      return out;
    }
    for (String name : root.list(NET)) {
      String entry = NET + "/" + name;
      String dir = ClassDevices.entryDir(root, entry).orElse(null);
      if (dir == null) {
        diag.add(entry, "link does not resolve inside the root: interface skipped");
        continue;
      }
      if (!root.isDirectory(dir)) {
        continue; // bonding_masters and other plain files
      }
      String pci = ClassDevices.pciFunction(root, dir).orElse(null);
      if (pci == null) {
        // no device link (seen in ghw's gathers): hwloc then takes the PCI function from the
        // interface's own place in /sys/devices (…/0000:03:00.0/net/enp3s0); dir is the link
        // already resolved inside the root, so nothing outside the root is looked at
        pci = ClassDevices.pciFunctionOfPath(dir).orElse(null);
      }
      Integer speed = null;
      SysfsRoot.Read<String> s = root.text(dir + "/speed");
      if (s.ok()) {
        Integer v = PciSysfsSource.intOrNull(s.value());
        speed = v == null || v < 0 ? null : v; // -1 / EINVAL when the link is down
      } else if (pci != null) {
        diag.add(dir + "/speed", s.problem() + ": speed unknown (link down or not gathered)");
      }
      String oper = root.textOpt(dir + "/operstate").orElse(null);
      if (oper == null) {
        diag.add(dir + "/operstate", "missing: state unknown");
      }
      Integer mtu = root.textOpt(dir + "/mtu").map(PciSysfsSource::intOrNull).orElse(null);
      String address = root.textOpt(dir + "/address").orElse(null);
      out.add(new NetInterface(name, pci, speed, oper, mtu, address));
    }
    return out;
  }
}
