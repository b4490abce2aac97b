package dev.fabricscope.bandwidth;

/**
 * The share of a link's raw rate (after line encoding, per direction) that each kind of transfer
 * reaches on healthy hardware, and the verdict thresholds. Defaults and their sources:
 *
 * <ul>
 *   <li>{@code gpuCopy} 0.88 — H200 on Gen5 x16: pinned H2D 55.3 / D2H 55.2 GB/s of 63.0 raw (87.8
 *       %), nvbandwidth copy engine 55.4 ({@code shared/fixtures/gpu-hosts/
 *       h200-passthrough.bandwidth.json}); H100 H2D 54.8 (87 %, field-survey (d));
 *   <li>{@code gpuBidir} 0.73 per direction — the same H200: 92.0 GB/s both ways of 126 raw;
 *   <li>{@code gpuPeerPcie} 0.80 — A6000 D2D over Gen4: 84 % same switch, 70 % across
 *       (nvbandwidth#50, field-survey (d));
 *   <li>{@code nvlink} 0.84 per link of 25 GB/s — H100 NVLink4 P2P 83 % (nccl#1264), planner-facts
 *       §0;
 *   <li>{@code nicLine} 0.95 of the port's line rate / 8 — ib_write_bw 100G 11.73 GB/s (0.94,
 *       perftest#225), NDR 92–96 %, perftest 400G single rail 98 % (field-survey (d));
 *   <li>{@code tcpLine} 0.94 of the interface speed / 8 — TCP/IP headers at MTU 1500 (1448 of 1538
 *       bytes on the wire);
 *   <li>{@code nvmeRead} 0.88 — an NVMe read is the controller writing host memory by DMA (posted
 *       write TLPs), the same transfer as a GPU's copy-engine D2H, whose 55.2 GB/s of 63.0 (87.6 %)
 *       the H200 file above measured; planner-facts §0 gives 0.88 for PCIe at MPS 256 too. Neither
 *       planner-facts.md nor field-survey.md has an NVMe measurement, and the report does not hold
 *       a drive's media rate, so this is what the link allows, an upper bound for a slow drive;
 *   <li>{@code passRatio} 0.90 and {@code warnRatio} 0.75 of the expected value — with gpuCopy
 *       0.88, a copy below 79 % of raw warns, as the survey's health rule (H2D below 80 % of link
 *       rate) and its anchors (74–87 %) suggest.
 * </ul>
 *
 * All are settings of the server ({@code fabricscope.bandwidth.*}) and the agent CLI.
 */
public record Efficiencies(
    double gpuCopy,
    double gpuBidir,
    double gpuPeerPcie,
    double nvlink,
    double nicLine,
    double tcpLine,
    double nvmeRead,
    double passRatio,
    double warnRatio) {

  /** The documented defaults. */
  public static final Efficiencies DEFAULTS =
      new Efficiencies(0.88, 0.73, 0.80, 0.84, 0.95, 0.94, 0.88, 0.90, 0.75);

  /** NVLink bandwidth per link and direction when the source does not say (NVLink 2–4), GB/s. */
  public static final double NVLINK_LINK_GBPS = 25.0;

  public Efficiencies {
    for (double v :
        new double[] {gpuCopy, gpuBidir, gpuPeerPcie, nvlink, nicLine, tcpLine, nvmeRead}) {
      if (!(v > 0 && v <= 1)) {
        throw new IllegalArgumentException("efficiencies are in (0, 1]: " + v);
      }
    }
    if (!(warnRatio > 0 && warnRatio <= passRatio && passRatio <= 1.5)) {
      throw new IllegalArgumentException(
          "thresholds need 0 < warn <= pass <= 1.5: " + warnRatio + ", " + passRatio);
    }
  }
}
