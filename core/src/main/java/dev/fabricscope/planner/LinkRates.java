package dev.fabricscope.planner;

import dev.fabricscope.topology.Host;

/**
 * Capacities the report does not hold, per direction in GB/s (10^9 B/s), with their sources in
 * {@code shared/docs/planner-facts.md}. PCIe capacities are not here: they come from the path model
 * ({@link dev.fabricscope.path.PcieLink#usableGBps()}).
 *
 * <p>Inter-socket defaults (§2): per-link rate × links of a two-socket board × 0.7, the sustained
 * share measured on EPYC Rome (63.5–72 of 96 GB/s for 3 xGMI links, 66–75 %, NASA HECC) and the
 * factor §2 recommends for a planner that models CPU memory traffic separately (NCCL's own values,
 * 6–40 GB/s, are end-to-end GPU P2P estimates and 4–16× lower). Where §2 gives a range of link
 * counts the smaller is taken; where it found nothing (Milan, Turin) the previous generation's
 * value is kept.
 */
public final class LinkRates {

  /** The sustained share of an inter-socket link's signalling rate (§2, Rome: 66–75 %). */
  public static final double INTER_SOCKET_EFFICIENCY = 0.7;

  /**
   * Host memory bandwidth of one NUMA node per direction when the host has no measurement: 60.09
   * GB/s, the one host memory copy measured on real hardware we have, {@code
   * shared/fixtures/gpu-hosts/h200-passthrough.bandwidth.json} ({@code hostMemcpy}: memcpy of 256
   * MiB per thread, 16 threads on a 16-vCPU Emerald Rapids VM, median of 9; 9.75 GB/s with one
   * thread). planner-facts.md and field-survey.md give no host memory figure; the former
   * placeholder of 100 had no source.
   *
   * <p>Why a copy rate serves as a capacity per direction: a copy at X GB/s (each byte counted
   * once, as the bandwidth tests' {@code HOST_MEMCPY} counts it) reads X and writes X at the same
   * time, so the node's memory sustains at least X of reads and X of writes together. A DMA flow
   * only reads host memory (to a device) or only writes it (from a device), so X per direction is a
   * lower bound of what such flows can get. One VM's figure says little about another host's
   * memory, which is why the server uses each host's own measurement where the bandwidth tests have
   * one ({@link PlanOptions#memoryGBpsByNode()}).
   */
  public static final double DEFAULT_MEMORY_GBPS = 60.09;

  /**
   * NVLink per link and direction: 25 GB/s for NVLink 2–4 (§4) × 0.84, the H100 p2pBandwidthLatency
   * measurement of 380 of 450 GB/s (§4, nccl#1264); §0's "effective default" 21.
   */
  public static final double NVLINK_LINK_GBPS = 21.0;

  /** A NIC port moves 0.95 of its line rate / 8 (§5: 0.94 ib_write_bw 100G, 0.96 NCCL 200G). */
  public static final double NIC_EFFICIENCY = 0.95;

  /** Used when the CPU family is unknown: the Skylake/Cascade Lake value, the oldest common one. */
  public static final double FALLBACK_INTER_SOCKET_GBPS = 2 * 20.8 * INTER_SOCKET_EFFICIENCY;

  private LinkRates() {}

  /**
   * The inter-socket capacity per direction for a CPU, GB/s (§2 table; Linux model numbers from
   * {@code arch/x86/include/asm/intel-family.h}, AMD family/model ranges from the AMD revision
   * guides as §1.2 reads them).
   */
  public static double interSocketGBps(Host.Cpu cpu) {
    double perDir = interSocketRaw(cpu);
    return Math.round(perDir * INTER_SOCKET_EFFICIENCY * 100.0) / 100.0;
  }

  /** Summed link rate per direction before the efficiency. */
  static double interSocketRaw(Host.Cpu cpu) {
    if (cpu == null || cpu.vendor() == null) {
      return FALLBACK_INTER_SOCKET_GBPS / INTER_SOCKET_EFFICIENCY;
    }
    int family = cpu.family() == null ? -1 : cpu.family();
    int model = cpu.model() == null ? -1 : cpu.model();
    switch (cpu.vendor()) {
      case "GenuineIntel" -> {
        if (family != 6 || model < 0) {
          break;
        }
        if (model == 0xCF) {
          return 4 * 40.0; // Emerald Rapids: UPI 2.0 20 GT/s, up to 4 links [uncertain]
        }
        if (model == 0xAD || model == 0xAE) {
          return 4 * 48.0; // Granite Rapids: 24 GT/s, "up to 6" is a leak: 4 assumed
        }
        if (model == 0x8F) {
          return 4 * 32.0; // Sapphire Rapids: UPI 2.0 16 GT/s × 2 B, up to 4 links
        }
        if (model == 0x6A || model == 0x6C) {
          return 2 * 22.4; // Ice Lake-SP: UPI 11.2 GT/s, 2–3 links
        }
        if (model == 0x55) {
          return 2 * 20.8; // Skylake/Cascade Lake-SP: UPI 10.4 GT/s, 2–3 links
        }
        return 2 * 19.2; // Haswell/Broadwell-EP and older: QPI 9.6 GT/s, 2 links
      }
      case "AuthenticAMD" -> {
        if (family == 0x17) {
          return model >= 0x30 ? 3 * 32.0 : 4 * 19.0; // Rome: 3 xGMI at 16 GT/s; Naples: 4 × ~19
        }
        if (family == 0x19) {
          return model >= 0x10 ? 4 * 64.0 : 3 * 32.0; // Genoa: 4 × x16 at 32 Gb/s; Milan as Rome
        }
        if (family >= 0x1A) {
          return 4 * 64.0; // Turin: not found in §2, Genoa's kept
        }
      }
      default -> {
        // POWER9's X-bus: §2 has no row; NCCL's P9_BW is 32 (§1.1), taken as the link's rate
        if (cpu.modelName() != null && cpu.modelName().toUpperCase().contains("POWER9")) {
          return 32.0 / INTER_SOCKET_EFFICIENCY;
        }
      }
    }
    return FALLBACK_INTER_SOCKET_GBPS / INTER_SOCKET_EFFICIENCY;
  }

  /** A NIC port's capacity per direction from its line rate in Gb/s. */
  public static double nicGBps(double rateGbps) {
    return Math.round(rateGbps / 8.0 * NIC_EFFICIENCY * 100.0) / 100.0;
  }
}
