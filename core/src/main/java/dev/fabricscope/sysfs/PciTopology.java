package dev.fabricscope.sysfs;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PortType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Pure functions that place PCI functions in the tree and classify them, apart from any file
 * reading (testable on plain strings). The tree comes from the nesting of the resolved device path
 * (p2p-rules.md §6.2), never from bus numbers: bridges without attribute files still nest.
 */
public final class PciTopology {

  /** A BDF with a 4- to 8-digit domain (32-bit domains exist on some hypervisors and VMD). */
  public static final Pattern BDF =
      Pattern.compile("[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]");

  /** A root bus directory: {@code pci0000:00}, {@code pci10000:e0}. */
  public static final Pattern HOST_BRIDGE = Pattern.compile("pci[0-9a-f]{4,8}:[0-9a-f]{2}");

  private PciTopology() {}

  /**
   * Where a function sits.
   *
   * @param hostBridge the last root-bus component above the function (a VMD domain nests its own)
   * @param parent the last BDF component between that root bus and the function, or null
   */
  public record Placement(String hostBridge, String parent) {}

  /**
   * Places a function from its resolved path, e.g. {@code
   * /sys/devices/pci0000:00/0000:00:01.0/0000:02:00.0/0000:03:00.0}.
   */
  public static Placement place(String resolvedPath) {
    String[] parts = resolvedPath.split("/");
    String hostBridge = null;
    String parent = null;
    // the last component is the function itself
    for (int i = 0; i < parts.length - 1; i++) {
      String p = parts[i];
      if (HOST_BRIDGE.matcher(p).matches()) {
        hostBridge = p;
        parent = null;
      } else if (hostBridge != null && BDF.matcher(p).matches()) {
        parent = p;
      }
    }
    return new Placement(hostBridge, parent);
  }

  /** Whether a class code is a PCI-to-PCI bridge (0x0604xx) or semi-transparent (0x0609xx). */
  public static boolean isBridgeClass(int classCode) {
    int sub = classCode >> 8;
    return sub == 0x0604 || sub == 0x0609;
  }

  /**
   * Infers port types from the tree when config space cannot tell (hwloc does the same): a bridge
   * on a root bus is a root port; a bridge below a root or downstream port with bridges below it is
   * a switch upstream port; a bridge below an upstream port is a downstream port; other bridges are
   * PCI bridges; a non-bridge on a root bus is RC-integrated, elsewhere an endpoint.
   *
   * @param functions BDF to (parent BDF or null, is bridge), in any order
   * @param known port types already read from config space; they anchor the inference
   * @return BDF to port type (known ones included)
   */
  public static Map<String, PortType> inferPortTypes(
      Map<String, Node> functions, Map<String, PortType> known) {
    Map<String, Boolean> hasBridgeChild = new HashMap<>();
    functions.forEach(
        (bdf, n) -> {
          if (n.parent() != null && n.bridge()) {
            hasBridgeChild.put(n.parent(), true);
          }
        });
    Map<String, PortType> out = new HashMap<>(known);
    for (String bdf : functions.keySet()) {
      infer(bdf, functions, hasBridgeChild, out, 0);
    }
    return out;
  }

  /** What inference needs of a function. */
  public record Node(String parent, boolean bridge) {}

  private static PortType infer(
      String bdf,
      Map<String, Node> fns,
      Map<String, Boolean> hasBridgeChild,
      Map<String, PortType> out,
      int depth) {
    PortType known = out.get(bdf);
    if (known != null) {
      return known;
    }
    Node n = fns.get(bdf);
    PortType t;
    if (n == null || depth > 64) {
      t = PortType.UNKNOWN;
    } else if (!n.bridge()) {
      t = n.parent() == null ? PortType.RC_INTEGRATED : PortType.ENDPOINT;
    } else if (n.parent() == null) {
      t = PortType.ROOT_PORT;
    } else {
      PortType up = infer(n.parent(), fns, hasBridgeChild, out, depth + 1);
      if (up == PortType.SWITCH_UPSTREAM) {
        t = PortType.SWITCH_DOWNSTREAM;
      } else if ((up == PortType.ROOT_PORT || up == PortType.SWITCH_DOWNSTREAM)
          && hasBridgeChild.getOrDefault(bdf, false)) {
        t = PortType.SWITCH_UPSTREAM;
      } else {
        t = PortType.PCI_BRIDGE;
      }
    }
    out.put(bdf, t);
    return t;
  }

  /**
   * The kind of a function from its class code and port type (p2p-rules.md §6.1).
   *
   * @param classCode 24-bit class code, or -1 when unknown
   */
  public static DeviceKind kind(int classCode, int vendorId, PortType portType) {
    if (classCode < 0) {
      return DeviceKind.OTHER;
    }
    int base = classCode >> 16;
    int sub = classCode >> 8;
    if (isGpu(classCode, vendorId)) {
      return DeviceKind.GPU;
    }
    if (sub == 0x0207) {
      return DeviceKind.RDMA;
    }
    if (base == 0x02) {
      return DeviceKind.NIC;
    }
    if (classCode == 0x010802) {
      return DeviceKind.NVME;
    }
    // processing accelerators (0x12) and co-processors (0x0b40, e.g. Xeon Phi)
    if (base == 0x12 || sub == 0x0b40) {
      return DeviceKind.ACCELERATOR;
    }
    if (portType == PortType.SWITCH_UPSTREAM || portType == PortType.SWITCH_DOWNSTREAM) {
      return DeviceKind.SWITCH_PORT;
    }
    if (isBridgeClass(classCode) || portType == PortType.ROOT_PORT) {
      return DeviceKind.BRIDGE;
    }
    return DeviceKind.OTHER;
  }

  /**
   * A GPU is a 3D controller (0x0302) of any vendor, or a display controller (0x03xx) of a GPU
   * maker: NVIDIA 0x10de, AMD/ATI 0x1002, Intel 0x8086. Server boards carry a BMC display chip
   * (ASPEED 0x1a03, Matrox 0x102b) of class 0x0300 that is no GPU in any planning sense.
   */
  public static boolean isGpu(int classCode, int vendorId) {
    if (classCode >> 16 != 0x03) {
      return false;
    }
    return classCode >> 8 == 0x0302
        || vendorId == 0x10de
        || vendorId == 0x1002
        || vendorId == 0x8086;
  }

  /**
   * A report's class code as 24 bits: {@code 0x030200} as written; {@code 0x0302} (base class and
   * subclass only, from hwloc XML before 3.0) with programming interface 0; -1 when unknown.
   */
  public static int class24(String classCode) {
    int v = hex(classCode);
    if (v < 0) {
      return -1;
    }
    String digits =
        classCode.startsWith("0x") || classCode.startsWith("0X")
            ? classCode.substring(2)
            : classCode;
    return digits.length() <= 4 ? v << 8 : v;
  }

  /** Parses {@code 0x10de}-style hex, -1 when null or malformed. */
  public static int hex(String s) {
    if (s == null) {
      return -1;
    }
    String t = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    try {
      return Integer.parseInt(t, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Sorts BDFs as lspci does: by domain, bus, device, function (numerically). */
  public static List<String> sortBdfs(List<String> bdfs) {
    return bdfs.stream().sorted(PciTopology::compareBdf).toList();
  }

  /** Numeric BDF order; strings that are not BDFs sort last, by text. */
  public static int compareBdf(String a, String b) {
    long ka = bdfKey(a);
    long kb = bdfKey(b);
    if (ka != kb) {
      return Long.compare(ka, kb);
    }
    return a.compareTo(b);
  }

  /**
   * Whether {@code s} matches {@link #BDF}, checked by hand: sorted maps of BDFs compare on every
   * look-up, and a regex match per comparison made a plan preview's look-ups the bulk of its cost.
   */
  public static boolean isBdf(String s) {
    if (s == null || s.length() < 12 || s.length() > 16) {
      return false;
    }
    int c1 = s.length() - 8; // the domain's digits, 4 to 8
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok;
      if (i == c1 || i == c1 + 3) {
        ok = c == ':';
      } else if (i == c1 + 6) {
        ok = c == '.';
      } else if (i == c1 + 7) {
        ok = c >= '0' && c <= '7';
      } else {
        ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static long bdfKey(String bdf) {
    if (!isBdf(bdf)) {
      return Long.MAX_VALUE;
    }
    int c1 = bdf.indexOf(':');
    long domain = Long.parseLong(bdf.substring(0, c1), 16);
    int bus = Integer.parseInt(bdf.substring(c1 + 1, c1 + 3), 16);
    int dev = Integer.parseInt(bdf.substring(c1 + 4, c1 + 6), 16);
    int fn = bdf.charAt(c1 + 7) - '0';
    return (domain << 16) | ((long) bus << 8) | ((long) dev << 3) | fn;
  }
}
