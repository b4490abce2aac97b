package dev.fabricscope.importer;

import dev.fabricscope.sysfs.PciIds;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Conversions the importers share: CPU masks, GUIDs, names, port-type inference, GPU lists. */
final class ImportSupport {

  private ImportSupport() {}

  /**
   * Most 32-bit words a CPU mask may have: 32,768 CPUs, four times Linux's largest {@code NR_CPUS}
   * (8,192 with {@code CONFIG_MAXSMP}). A longer mask is no machine's; it reads as unknown, and the
   * work and memory of one mask stay bounded whatever a hostile file holds.
   */
  static final int MAX_MASK_WORDS = 1024;

  /**
   * Converts a CPU mask of comma-separated 32-bit hex words, most significant first, to list format
   * ({@code 0-7,16-23}). Covers hwloc cpusets ({@code 0x00000303,0x03030000,,0x0}: an empty word is
   * zero) and NCCL affinities ({@code 00000000,000fffff}). Returns null for hwloc's infinite sets
   * ({@code 0xf...f}), garbage and masks of more than {@link #MAX_MASK_WORDS} words, "" for an
   * empty set.
   */
  static String cpulist(String mask) {
    if (mask == null || mask.isBlank() || mask.contains("f...f")) {
      return null;
    }
    String[] words = mask.trim().split(",", MAX_MASK_WORDS + 1);
    if (words.length > MAX_MASK_WORDS) {
      return null;
    }
    BitSet cpus = new BitSet();
    for (int w = 0; w < words.length; w++) {
      String word = words[words.length - 1 - w].trim();
      if (word.startsWith("0x") || word.startsWith("0X")) {
        word = word.substring(2);
      }
      if (word.isEmpty()) {
        continue;
      }
      long v;
      try {
        v = Long.parseLong(word, 16);
      } catch (NumberFormatException e) {
        return null;
      }
      for (int b = 0; b < 64; b++) {
        if ((v & (1L << b)) != 0) {
          cpus.set(w * 32 + b);
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int c = cpus.nextSetBit(0); c >= 0; c = cpus.nextSetBit(c + 1)) {
      int end = cpus.nextClearBit(c) - 1;
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(c);
      if (end > c) {
        sb.append('-').append(end);
      }
      c = end;
    }
    return sb.toString();
  }

  /** The bit positions of a mask in {@link #cpulist} format, e.g. a hwloc nodeset. */
  static List<Integer> bits(String mask) {
    String list = cpulist(mask);
    List<Integer> out = new ArrayList<>();
    if (list == null || list.isEmpty()) {
      return out;
    }
    for (String part : list.split(",")) {
      int dash = part.indexOf('-');
      int a = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
      int b = dash < 0 ? a : Integer.parseInt(part.substring(dash + 1));
      for (int i = a; i <= b; i++) {
        out.add(i);
      }
    }
    return out;
  }

  /** {@code 0x0c42a103006f14ec} → {@code 0c42:a103:006f:14ec} (the sysfs form); 0 → null. */
  static String guid(String hex) {
    if (hex == null) {
      return null;
    }
    String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    long v;
    try {
      v = Long.parseUnsignedLong(h, 16);
    } catch (NumberFormatException e) {
      return null;
    }
    if (v == 0) {
      return null;
    }
    String s = String.format("%016x", v);
    return s.substring(0, 4)
        + ":"
        + s.substring(4, 8)
        + ":"
        + s.substring(8, 12)
        + ":"
        + s.substring(12);
  }

  /** {@code 0x10de} form of an id, null when unknown (negative). */
  static String hexId(int id, int digits) {
    return id < 0 ? null : String.format("0x%0" + digits + "x", id);
  }

  /** Vendor name from pci.ids, null when the id is unknown. */
  static String vendorName(String vendorId) {
    int v = PciTopology.hex(vendorId);
    return v < 0 ? null : PciIds.shared().vendor(v);
  }

  /** Device name from pci.ids, null when an id is unknown. */
  static String deviceName(String vendorId, String deviceId) {
    int v = PciTopology.hex(vendorId);
    int d = PciTopology.hex(deviceId);
    return v < 0 || d < 0 ? null : PciIds.shared().device(v, d);
  }

  /**
   * Infers port types from parent links and bridge flags ({@link PciTopology#inferPortTypes}, the
   * same rule discovery uses when config space is unreadable).
   */
  static Map<String, PortType> inferPortTypes(
      Map<String, PciTopology.Node> nodes, Map<String, PortType> known) {
    return PciTopology.inferPortTypes(nodes, known);
  }

  /** Kind from class code, vendor and port type; an unknown class keeps bridges bridges. */
  static DeviceKind kind(String classCode, String vendorId, PortType portType, boolean bridge) {
    int cls = PciTopology.hex(classCode);
    if (cls < 0 && (bridge || portType == PortType.ROOT_PORT)) {
      // lspci/NCCL say "this is a bridge" without a class code; the port type says which kind
      return portType == PortType.SWITCH_UPSTREAM || portType == PortType.SWITCH_DOWNSTREAM
          ? DeviceKind.SWITCH_PORT
          : DeviceKind.BRIDGE;
    }
    return PciTopology.kind(cls, PciTopology.hex(vendorId), portType);
  }

  /** Functions sorted by BDF as lspci lists them. */
  static List<PciFunction> sorted(Collection<PciFunction> fns) {
    return fns.stream().sorted((x, y) -> PciTopology.compareBdf(x.bdf(), y.bdf())).toList();
  }

  /** One {@link Gpu} per function of kind gpu, with compute capabilities where known. */
  static List<Gpu> gpus(List<PciFunction> pci, Map<String, Integer> sm) {
    Map<String, Integer> smByBdf = sm == null ? new HashMap<>() : sm;
    List<Gpu> out = new ArrayList<>();
    for (PciFunction f : pci) {
      if (f.kind() == DeviceKind.GPU) {
        out.add(
            new Gpu(
                f.bdf(),
                f.vendorName(),
                f.deviceName(),
                f.driver(),
                f.numaNode(),
                smByBdf.get(f.bdf())));
      }
    }
    return out;
  }

  /** A copy with port type and kind set. */
  static PciFunction withTypeAndKind(PciFunction f, PortType t, DeviceKind k) {
    return f.withKindAndPortType(k, t);
  }
}
