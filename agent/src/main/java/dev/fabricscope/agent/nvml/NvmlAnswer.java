package dev.fabricscope.agent.nvml;

import dev.fabricscope.text.TerminalText;
import dev.fabricscope.topology.NvmlGpu;
import dev.fabricscope.topology.NvmlLink;
import dev.fabricscope.topology.NvmlPeer;
import java.util.Map;
import java.util.Set;

/**
 * The bounds a child's NVML answer must keep to be taken ({@link IsolatedNvmlReader}): what {@link
 * NvmlReader} can print, no more. Why: the child ran a vendor's native code in its process space,
 * and its answer goes into every report as it is; a string of megabytes where NVML's buffers hold
 * 96 bytes, or a thousand GPUs, is not an answer NVML gave (security review 18, #2).
 */
final class NvmlAnswer {

  /** GPUs taken at most: NVML numbers them in an unsigned int, a host has a few dozen at most. */
  static final int MAX_GPUS = 256;

  /** Longest text: NVML's buffers are 96 bytes with the terminating NUL. */
  static final int MAX_TEXT = 95;

  private static final String BDF = "[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]";
  private static final Set<String> VIRTUALIZATION =
      Set.of("none", "pass-through", "vgpu", "host-vgpu", "host-vsga", "unknown");
  private static final Set<String> REMOTE = Set.of("gpu", "ibmnpu", "nvswitch", "unknown");
  private static final Set<String> P2P =
      Set.of(
          "ok",
          "chipset-not-supported",
          "gpu-not-supported",
          "ioh-topology-not-supported",
          "disabled-by-regkey",
          "not-supported",
          "unknown");
  private static final Set<String> ANCESTOR =
      Set.of("internal", "single", "multiple", "hostbridge", "node", "system");

  private NvmlAnswer() {}

  /** What is out of bounds in the answer, in words; null when it is all within. */
  static String problem(NvmlSnapshot s) {
    if (s.gpus().size() > MAX_GPUS) {
      return s.gpus().size() + " GPUs, more than " + MAX_GPUS;
    }
    for (Map.Entry<String, NvmlGpu> e : s.gpus().entrySet()) {
      String why = gpu(e.getKey(), e.getValue(), s.gpus().size());
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  private static String gpu(String bdf, NvmlGpu g, int count) {
    if (bdf == null || !bdf.matches(BDF) || g == null) {
      return "a GPU is not keyed by its bus id";
    }
    for (String t :
        new String[] {
          g.productName(),
          g.uuid(),
          g.serial(),
          g.computeCapability(),
          g.driverVersion(),
          g.nvmlVersion()
        }) {
      if (!text(t)) {
        return "a text of GPU " + bdf + " is longer than " + MAX_TEXT + " or not printable";
      }
    }
    if (!in(g.virtualization(), VIRTUALIZATION)) {
      return "GPU " + bdf + "'s virtualization is not one NVML has";
    }
    if (g.nvlinks().size() > NvmlLibrary.MAX_NVLINKS || g.peers().size() >= count) {
      return "GPU " + bdf + " has more NVLinks or peers than there can be";
    }
    for (NvmlLink l : g.nvlinks()) {
      if (l == null
          || l.link() < 0
          || l.link() >= NvmlLibrary.MAX_NVLINKS
          || !bdfOrNull(l.remoteBusId())
          || !in(l.remoteType(), REMOTE)) {
        return "an NVLink of GPU " + bdf + " is not one NVML reports";
      }
    }
    for (NvmlPeer p : g.peers()) {
      if (p == null
          || p.peer() == null
          || !p.peer().matches(BDF)
          || !in(p.read(), P2P)
          || !in(p.write(), P2P)
          || !in(p.nvlink(), P2P)
          || !in(p.atomics(), P2P)
          || !in(p.commonAncestor(), ANCESTOR)) {
        return "a peer of GPU " + bdf + " is not one NVML reports";
      }
    }
    return null;
  }

  private static boolean text(String t) {
    return t == null
        || (t.length() <= MAX_TEXT && t.chars().noneMatch(c -> TerminalText.steers((char) c)));
  }

  private static boolean bdfOrNull(String t) {
    return t == null || t.matches(BDF);
  }

  private static boolean in(String v, Set<String> allowed) {
    return v == null || allowed.contains(v);
  }
}
