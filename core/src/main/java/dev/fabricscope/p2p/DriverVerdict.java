package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.fabricscope.topology.NvmlPeer;

/**
 * The NVIDIA driver's own P2P answer for a GPU pair, as NVML gives it ({@code
 * nvmlDeviceGetP2PStatus}, {@code nvmlDeviceGetTopologyCommonAncestor}; what {@code nvidia-smi topo
 * -p2p r|w|n|a} prints). The fourth verdict beside the kernel's, nvidia-smi's topology label and
 * NCCL's: the only one that knows the driver's own blocks (chipset lists, registry keys, IOMMU).
 * JSON carries {@link #label()} too, so pages show the code without deriving it.
 *
 * @param read P2P reads: {@code ok} or why not ({@link NvmlPeer} statuses)
 * @param write P2P writes
 * @param nvlink P2P over NVLink
 * @param atomics P2P atomics
 * @param commonAncestor where the driver says their paths meet ({@code single}, {@code multiple},
 *     {@code hostbridge}, {@code node}, {@code system}, {@code internal}), null when unknown
 */
public record DriverVerdict(
    String read, String write, String nvlink, String atomics, String commonAncestor) {

  /** The driver's answers for the pair, as the first GPU's NVML reported them. */
  public static DriverVerdict of(NvmlPeer p) {
    return new DriverVerdict(p.read(), p.write(), p.nvlink(), p.atomics(), p.commonAncestor());
  }

  /** Whether the driver allows P2P reads and writes between the two GPUs. */
  public boolean allowed() {
    return "ok".equals(read) && "ok".equals(write);
  }

  /** Whether the driver answered for reads and writes at all. */
  public boolean known() {
    return read != null && write != null && !"unknown".equals(read) && !"unknown".equals(write);
  }

  /**
   * The code {@code nvidia-smi topo -p2p rw} prints for the pair: {@code OK}, or for the first of
   * read and write that is not: {@code CNS} (chipset), {@code GNS} (GPU), {@code TNS} (topology),
   * {@code NS} (not supported, or disabled by a registry key), {@code U} (unknown).
   */
  @JsonProperty("label")
  public Label label() {
    if (allowed()) {
      return Label.OK;
    }
    String s = "ok".equals(read) ? write : read;
    return switch (s == null ? "unknown" : s) {
      case "chipset-not-supported" -> Label.CNS;
      case "gpu-not-supported" -> Label.GNS;
      case "ioh-topology-not-supported" -> Label.TNS;
      case "not-supported", "disabled-by-regkey" -> Label.NS;
      default -> Label.U;
    };
  }

  /** The codes of {@code nvidia-smi topo -p2p} (p2p-rules.md §4.1), as JSON and text print them. */
  public enum Label {
    /** Status OK. */
    OK,
    /** Chipset not supported. */
    CNS,
    /** GPU not supported. */
    GNS,
    /** Topology not supported. */
    TNS,
    /** Not supported (also disabled by a registry key). */
    NS,
    /** Unknown. */
    U;

    @JsonValue
    public String json() {
      return name();
    }
  }
}
