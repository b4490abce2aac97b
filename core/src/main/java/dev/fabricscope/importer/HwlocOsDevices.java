package dev.fabricscope.importer;

import static dev.fabricscope.importer.SafeXml.attr;

import dev.fabricscope.text.LinearText;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.RdmaDevice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * hwloc OS devices (fixtures README "hwloc-xml/": {@code osdev_type} is an enum before format 3.0
 * and a bitmask in 3.0): Network → {@link NetInterface}, OpenFabrics → {@link RdmaDevice} (provider
 * by name, p2p-rules.md §2.6), GPU → the PCI parent is a GPU, Storage {@code nvmeXnY} → {@link
 * NvmeController} {@code nvmeX}. What hwloc does not record (speeds, MTU, state names, firmware) is
 * null.
 */
final class HwlocOsDevices {

  static final int STORAGE = 1;
  static final int GPU = 4;
  static final int COPROC = 8;
  static final int NETWORK = 16;
  static final int OPENFABRICS = 32;

  /** Enum values of hwloc 1.x/2.x (BLOCK, GPU, NETWORK, OPENFABRICS, DMA, COPROC) as 3.0 bits. */
  private static final int[] ENUM_TO_BITS = {STORAGE, GPU, NETWORK, OPENFABRICS, 64, COPROC};

  private static final Pattern NVME_NS = Pattern.compile("(nvme\\d+)n\\d+");
  private static final Pattern PORT_INFO = Pattern.compile("Port(\\d+)(State|LID|GID\\d+)");
  private static final Set<String> SOFTWARE = Set.of("rxe", "siw");
  private static final Set<String> RDMAVT = Set.of("hfi1", "qib");

  private final boolean bitmask;
  private final Map<Element, String> busidOf;
  private final List<Diagnostic> diagnostics;
  private final List<NetInterface> net = new ArrayList<>();
  private final List<RdmaDevice> rdma = new ArrayList<>();
  private final Map<String, NvmeController> nvme = new LinkedHashMap<>();
  private final Set<String> gpuParents = new HashSet<>();

  HwlocOsDevices(boolean bitmask, Map<Element, String> busidOf, List<Diagnostic> diagnostics) {
    this.bitmask = bitmask;
    this.busidOf = busidOf;
    this.diagnostics = diagnostics;
  }

  /** The OS device type as 3.0 bits, from either encoding. */
  int types(Element osdev) {
    String t = attr(osdev, "osdev_type");
    if (t == null) {
      return 0;
    }
    try {
      int v = Integer.parseInt(t);
      if (bitmask) {
        return v;
      }
      return v >= 0 && v < ENUM_TO_BITS.length ? ENUM_TO_BITS[v] : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The busid of the PCI object an OS device hangs below, null when not below PCI. */
  String parentBusid(Element osdev) {
    return osdev.getParentNode() instanceof Element p ? busidOf.get(p) : null;
  }

  void read(List<Element> osdevs) {
    for (Element o : osdevs) {
      int t = types(o);
      String name = attr(o, "name");
      String bdf = parentBusid(o);
      Map<String, String> info = HwlocXml.infos(o);
      if (name == null) {
        continue;
      }
      if ((t & GPU) != 0 && bdf != null) {
        gpuParents.add(bdf);
      }
      // usNIC and similar verbs devices carry both bits but are no netdev
      if ((t & NETWORK) != 0 && (t & OPENFABRICS) == 0) {
        net.add(new NetInterface(name, bdf, null, null, null, info.get("Address")));
      }
      if ((t & OPENFABRICS) != 0) {
        rdma.add(rdmaDevice(name, bdf, info));
      }
      Matcher m = NVME_NS.matcher(name);
      if ((t & STORAGE) != 0 && m.matches() && bdf != null) {
        nvme.putIfAbsent(
            m.group(1),
            new NvmeController(
                m.group(1), bdf, info.get("Model"), info.get("SerialNumber"), null, "pcie", null));
      }
    }
    diagnostics.add(
        new Diagnostic(
            "OSDev",
            "hwloc XML records no interface speed/MTU/state, RDMA firmware or port rates, NVMe"
                + " firmware or CMB: those are unknown"));
  }

  /**
   * {@code name} less a trailing {@code _N} or {@code N} (mlx5_0, hfi1_0, rxe0): what {@code
   * replaceAll("_?\\d+$", "")} gave, in one pass. That pattern was O(n²) on a long run of digits
   * inside a name, and names come from the imported XML.
   */
  static String withoutIndex(String name) {
    int end = name.length();
    // $ also matched before one final line terminator (\r\n counts as one)
    if (name.endsWith("\r\n")) {
      end -= 2;
    } else if (end > 0 && LinearText.isLineTerminator(name.charAt(end - 1))) {
      end--;
    }
    int start = end;
    while (start > 0 && LinearText.isDigit(name.charAt(start - 1))) {
      start--;
    }
    if (start == end) {
      return name;
    }
    if (start > 0 && name.charAt(start - 1) == '_') {
      start--;
    }
    return name.substring(0, start) + name.substring(end);
  }

  private RdmaDevice rdmaDevice(String name, String bdf, Map<String, String> info) {
    String driver = withoutIndex(name);
    RdmaDevice.Provider provider =
        SOFTWARE.contains(driver)
            ? RdmaDevice.Provider.SOFTWARE
            : RDMAVT.contains(driver) ? RdmaDevice.Provider.RDMAVT : RdmaDevice.Provider.HARDWARE;
    Map<Integer, Map<String, String>> ports = new TreeMap<>();
    info.forEach(
        (k, v) -> {
          Matcher m = PORT_INFO.matcher(k);
          if (m.matches()) {
            ports
                .computeIfAbsent(Integer.parseInt(m.group(1)), x -> new TreeMap<>())
                .put(m.group(2), v);
          }
        });
    List<RdmaDevice.Port> out = new ArrayList<>();
    ports.forEach(
        (n, p) -> {
          Integer code = integer(p.get("State"));
          List<String> gids = new ArrayList<>();
          p.forEach(
              (k, v) -> {
                if (k.startsWith("GID") && !v.replaceAll("[0:]", "").isEmpty()) {
                  gids.add(v);
                }
              });
          out.add(
              new RdmaDevice.Port(
                  n,
                  stateName(code),
                  code,
                  null,
                  null,
                  null,
                  null,
                  null,
                  p.get("LID"),
                  null,
                  gids,
                  List.of()));
        });
    return new RdmaDevice(
        name,
        bdf,
        provider,
        info.get("NodeGUID"),
        info.get("SysImageGUID"),
        null,
        null,
        null,
        null,
        null,
        null,
        out);
  }

  /** IB port logical states as the kernel names them in {@code ports/N/state}. */
  private static String stateName(Integer code) {
    if (code == null) {
      return null;
    }
    return switch (code) {
      case 1 -> "DOWN";
      case 2 -> "INIT";
      case 3 -> "ARMED";
      case 4 -> "ACTIVE";
      case 5 -> "ACTIVE_DEFER";
      default -> null;
    };
  }

  /** A PCI function with a GPU OS device is a GPU whatever its class says. */
  DeviceKind kindOverride(String bdf, DeviceKind k) {
    return gpuParents.contains(bdf) ? DeviceKind.GPU : k;
  }

  List<NetInterface> net() {
    return net;
  }

  List<RdmaDevice> rdma() {
    return rdma;
  }

  List<NvmeController> nvme() {
    return new ArrayList<>(nvme.values());
  }

  private static Integer integer(String s) {
    try {
      return s == null ? null : Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
