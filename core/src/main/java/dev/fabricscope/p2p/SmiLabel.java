package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A label of {@code nvidia-smi topo -m} (p2p-rules.md §4.1): a level, and for NV# the number of
 * bonded NVLinks. JSON and text carry what nvidia-smi prints: {@code X}, {@code NV6}, {@code PIX},
 * {@code PXB}, {@code PHB}, {@code NODE}, {@code SYS}.
 *
 * @param level the level, in nvidia-smi's order (closest first)
 * @param nvlinks the NVLink count of an {@link Level#NV} label, 0 for the others
 */
public record SmiLabel(Level level, int nvlinks) {

  /** nvidia-smi's levels, closest first (NVML topology levels for the PCIe ones). */
  public enum Level {
    /** Self. */
    X,
    /** A bonded set of # NVLinks. */
    NV,
    /** At most a single PCIe bridge (NVML SINGLE). */
    PIX,
    /** Multiple PCIe bridges without the host bridge (NVML MULTIPLE). */
    PXB,
    /** Through a PCIe host bridge, typically the CPU (NVML HOSTBRIDGE). */
    PHB,
    /** Between host bridges of one NUMA node (NVML NODE). */
    NODE,
    /** Across the SMP interconnect between NUMA nodes (NVML SYSTEM). */
    SYS;

    /** Whether nvidia-smi's PCIe label is one of the two below the host bridge: PIX or PXB. */
    public boolean belowHostBridge() {
      return this == PIX || this == PXB;
    }
  }

  public static final SmiLabel X = new SmiLabel(Level.X, 0);
  public static final SmiLabel PIX = new SmiLabel(Level.PIX, 0);
  public static final SmiLabel PXB = new SmiLabel(Level.PXB, 0);
  public static final SmiLabel PHB = new SmiLabel(Level.PHB, 0);
  public static final SmiLabel NODE = new SmiLabel(Level.NODE, 0);
  public static final SmiLabel SYS = new SmiLabel(Level.SYS, 0);

  private static final SmiLabel[] NV = new SmiLabel[64];

  public SmiLabel {
    if (level == null) {
      throw new IllegalArgumentException("level is required");
    }
    if ((level == Level.NV) != (nvlinks > 0)) {
      throw new IllegalArgumentException("NV# takes a positive link count, the others none");
    }
  }

  /** The label of {@code count} bonded NVLinks (NV6). */
  public static SmiLabel nvlinks(int count) {
    if (count <= 0 || count >= NV.length) {
      return new SmiLabel(Level.NV, count);
    }
    SmiLabel l = NV[count];
    if (l == null) {
      l = new SmiLabel(Level.NV, count);
      NV[count] = l;
    }
    return l;
  }

  /** The PCIe label of a level (not NV). */
  public static SmiLabel of(Level level) {
    return switch (level) {
      case X -> X;
      case PIX -> PIX;
      case PXB -> PXB;
      case PHB -> PHB;
      case NODE -> NODE;
      case SYS -> SYS;
      case NV -> throw new IllegalArgumentException("NV takes a link count");
    };
  }

  /** Reads what nvidia-smi prints ({@code NV12}, {@code PXB}). */
  @JsonCreator
  public static SmiLabel parse(String text) {
    if (text.startsWith("NV") && text.length() > 2) {
      return nvlinks(Integer.parseInt(text.substring(2)));
    }
    return of(Level.valueOf(text));
  }

  /** Whether the pair is joined by NVLink. */
  public boolean isNvlink() {
    return level == Level.NV;
  }

  /** What nvidia-smi prints. */
  @JsonValue
  @Override
  public String toString() {
    return level == Level.NV ? "NV" + nvlinks : level.name();
  }
}
