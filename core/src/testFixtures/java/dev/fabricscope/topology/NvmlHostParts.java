package dev.fabricscope.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The functions, RDMA devices and NVML answers {@link NvmlHosts} builds its hosts of. */
final class NvmlHostParts {

  static final String[] STATUS = {
    "ok", "chipset-not-supported", "unknown", "not-supported", "disabled-by-regkey", null
  };

  private NvmlHostParts() {}

  /** NVML data; with {@code peers} a third of the GPUs list up to six peers, any status. */
  static NvmlGpu nvml(Random rnd, String self, List<String> gpus, boolean peers) {
    List<NvmlPeer> out = new ArrayList<>();
    if (peers && rnd.nextInt(3) == 0) {
      int n = 1 + rnd.nextInt(6);
      for (int k = 0; k < n; k++) {
        int pick = rnd.nextInt(gpus.size() + 2);
        String peer =
            pick < gpus.size() ? gpus.get(pick) : pick == gpus.size() ? self : "ffff:ff:1f.7";
        String read = STATUS[rnd.nextInt(STATUS.length)];
        out.add(new NvmlPeer(peer, read, read, "not-supported", read, "system"));
      }
    }
    return NvmlGpus.unsaid("NVIDIA H100", "9.0", out);
  }

  static RdmaDevice rdma(String name, String bdf, RdmaDevice.Provider provider) {
    return new RdmaDevice(
        name, bdf, provider, null, null, null, null, null, null, null, null, List.of());
  }

  static PciFunction hostFn(String bdf, String hb, String device, Integer numa) {
    return SyntheticHosts.fn(
        bdf,
        null,
        hb,
        "0x8086",
        device,
        "0x060000",
        DeviceKind.OTHER,
        PortType.RC_INTEGRATED,
        numa,
        false,
        null);
  }

  static PciFunction port(
      String bdf, String parent, String hb, PortType type, Integer numa, boolean redirect) {
    return SyntheticHosts.fn(
        bdf,
        parent,
        hb,
        "0x10b5",
        "0x9797",
        "0x060400",
        DeviceKind.SWITCH_PORT,
        type,
        numa,
        redirect,
        null);
  }

  static PciFunction endpoint(
      Random rnd, String bdf, String parent, String hb, boolean gpu, Integer numa) {
    // some links trained below capable, some at Gen3: findings and bottlenecks differ per pair
    PciLink.LinkState now =
        new PciLink.LinkState(rnd.nextInt(4) == 0 ? 8.0 : 16.0, rnd.nextInt(6) == 0 ? 8 : 16);
    return gpu
        ? SyntheticHosts.fn(
            bdf,
            parent,
            hb,
            "0x10de",
            "0x2330",
            "0x030200",
            DeviceKind.GPU,
            PortType.ENDPOINT,
            numa,
            false,
            now)
        : SyntheticHosts.fn(
            bdf,
            parent,
            hb,
            "0x15b3",
            "0x1021",
            "0x020700",
            DeviceKind.RDMA,
            PortType.ENDPOINT,
            numa,
            false,
            now);
  }

  static String bdf(String domain, int bus, int dev, int fn) {
    return String.format("%s:%02x:%02x.%d", domain, bus, dev, fn);
  }

  /** NVML data listing these peers, each with P2P read, write and atomics "ok". */
  static NvmlGpu nvmlWithPeers(List<String> peers) {
    List<NvmlPeer> out = new ArrayList<>();
    for (String p : peers) {
      out.add(new NvmlPeer(p, "ok", "ok", "not-supported", "ok", "system"));
    }
    return NvmlGpus.unsaid("NVIDIA H100", "9.0", out);
  }
}
