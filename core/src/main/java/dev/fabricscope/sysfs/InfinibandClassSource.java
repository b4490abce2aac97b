package dev.fabricscope.sysfs;

import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.RdmaDevice.Provider;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code /sys/class/infiniband} (p2p-rules.md §6.3). Software providers (rxe, siw) and
 * rdmavt-based ones (hfi1, qib) are marked: their {@code device} link points at a real NIC or HCA,
 * but the kernel never lets them do P2P DMA (§2.6).
 */
public final class InfinibandClassSource {

  static final String IB = "/sys/class/infiniband";
  private static final String ZERO_GID = "0000:0000:0000:0000:0000:0000:0000:0000";
  private static final int MAX_GIDS = 256;

  private final SysfsRoot root;
  private final Diagnostics diag;

  public InfinibandClassSource(SysfsRoot root, Diagnostics diag) {
    this.root = root;
    this.diag = diag;
  }

  /**
   * All RDMA devices, by name.
   *
   * @param net interfaces already read, to place rxe/siw on their parent netdev's function
   * @param pci functions already read, for the driver of the function (hfi1, ib_qib)
   */
  public List<RdmaDevice> read(List<NetInterface> net, Map<String, PciFunction> pci) {
    List<RdmaDevice> out = new ArrayList<>();
    if (!root.isDirectory(IB)) {
      return out; // no RDMA stack loaded
    }
    for (String name : root.list(IB)) {
      String entry = IB + "/" + name;
      String dir = ClassDevices.entryDir(root, entry).orElse(null);
      if (dir == null || !root.isDirectory(dir)) {
        diag.add(entry, "link does not resolve inside the root: device skipped");
        continue;
      }
      String parentNetdev = root.textOpt(dir + "/parent").orElse(null);
      String bdf = ClassDevices.pciFunction(root, dir).orElse(null);
      if (bdf == null && parentNetdev != null) {
        bdf =
            net.stream()
                .filter(n -> n.name().equals(parentNetdev))
                .map(NetInterface::pciFunction)
                .findFirst()
                .orElse(null);
      }
      if (bdf == null && !name.startsWith("siw") && parentNetdev == null) {
        diag.add(dir + "/device", "missing: PCI function unknown");
      }
      PciFunction fn = bdf == null ? null : pci.get(bdf);
      Provider provider = provider(name, parentNetdev, fn == null ? null : fn.driver());
      out.add(
          new RdmaDevice(
              name,
              bdf,
              provider,
              text(dir, "node_guid"),
              text(dir, "sys_image_guid"),
              text(dir, "fw_ver"),
              text(dir, "node_type"),
              text(dir, "hca_type"),
              text(dir, "board_id"),
              text(dir, "node_desc"),
              parentNetdev,
              ports(dir)));
    }
    return out;
  }

  private String text(String dir, String file) {
    return root.textOpt(dir + "/" + file).orElse(null);
  }

  /**
   * Software devices have a {@code parent} netdev or an rxe/siw name; rdmavt devices are the hfi1
   * and qib drivers (by PCI driver, or by name when the device link was not gathered).
   */
  static Provider provider(String name, String parentNetdev, String pciDriver) {
    if (parentNetdev != null || name.startsWith("rxe") || name.startsWith("siw")) {
      return Provider.SOFTWARE;
    }
    if ("hfi1".equals(pciDriver)
        || "ib_qib".equals(pciDriver)
        || name.startsWith("hfi1_")
        || name.startsWith("qib")) {
      return Provider.RDMAVT;
    }
    return Provider.HARDWARE;
  }

  private List<RdmaDevice.Port> ports(String dir) {
    List<RdmaDevice.Port> ports = new ArrayList<>();
    String pdir = dir + "/ports";
    if (!root.isDirectory(pdir)) {
      diag.add(pdir, "missing: ports unknown");
      return ports;
    }
    for (String p : root.list(pdir)) {
      Integer num = PciSysfsSource.intOrNull(p);
      if (num == null) {
        continue;
      }
      ports.add(port(pdir + "/" + p, num));
    }
    ports.sort((a, b) -> Integer.compare(a.port(), b.port()));
    return ports;
  }

  /** Reads one port; {@link #portState} is the part a periodic rescan re-reads. */
  RdmaDevice.Port port(String dir, int num) {
    PortState s = portState(dir);
    List<String> gids = new ArrayList<>();
    Set<String> netdevs = new LinkedHashSet<>();
    String ndevs = dir + "/gid_attrs/ndevs";
    if (root.isDirectory(ndevs)) {
      // RoCE: only valid GID entries have an ndev attribute (reading 1024 gids/* would be waste)
      List<Integer> idx = new ArrayList<>();
      for (String n : root.list(ndevs)) {
        Integer i = PciSysfsSource.intOrNull(n);
        if (i != null) {
          idx.add(i);
        }
      }
      idx.sort(Integer::compare);
      for (int i : idx) {
        root.textOpt(dir + "/gids/" + i).filter(g -> !g.equals(ZERO_GID)).ifPresent(gids::add);
        root.textOpt(ndevs + "/" + i).ifPresent(netdevs::add);
      }
    } else if (root.isDirectory(dir + "/gids")) {
      // InfiniBand: the table fills from index 0; stop at the first empty entry
      for (int i = 0; i < MAX_GIDS; i++) {
        String g = root.textOpt(dir + "/gids/" + i).orElse(null);
        if (g == null || g.equals(ZERO_GID)) {
          break;
        }
        gids.add(g);
      }
    }
    return new RdmaDevice.Port(
        num,
        s.state(),
        s.stateCode(),
        s.physState(),
        s.physStateCode(),
        s.rateGbps(),
        s.rate(),
        root.textOpt(dir + "/link_layer").orElse(null),
        root.textOpt(dir + "/lid").orElse(null),
        root.textOpt(dir + "/sm_lid").orElse(null),
        gids,
        new ArrayList<>(netdevs));
  }

  /** The port attributes that change at run time. */
  record PortState(
      String state,
      Integer stateCode,
      String physState,
      Integer physStateCode,
      Double rateGbps,
      String rate) {}

  PortState portState(String dir) {
    String state = root.textOpt(dir + "/state").orElse(null);
    String phys = root.textOpt(dir + "/phys_state").orElse(null);
    String rate = root.textOpt(dir + "/rate").orElse(null);
    if (state == null) {
      diag.add(dir + "/state", "missing: port state unknown");
    }
    if (rate == null) {
      diag.add(dir + "/rate", "missing: port rate unknown");
    }
    return new PortState(name(state), code(state), name(phys), code(phys), rateGbps(rate), rate);
  }

  /** {@code "4: ACTIVE"} → 4. */
  static Integer code(String s) {
    if (s == null || s.indexOf(':') < 0) {
      return null;
    }
    return PciSysfsSource.intOrNull(s.substring(0, s.indexOf(':')));
  }

  /** {@code "4: ACTIVE"} → ACTIVE. */
  static String name(String s) {
    if (s == null) {
      return null;
    }
    int c = s.indexOf(':');
    return c < 0 ? s : s.substring(c + 1).trim();
  }

  /** {@code "100 Gb/sec (4X EDR)"} → 100.0; {@code "2.5 Gb/sec (1X SDR)"} → 2.5. */
  static Double rateGbps(String rate) {
    if (rate == null) {
      return null;
    }
    int i = rate.indexOf(" Gb/sec");
    if (i <= 0) {
      return null;
    }
    try {
      return Double.parseDouble(rate.substring(0, i).trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
