package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Everything fabricscope says about one pair (the fixed JSON of {@code topo --format json}).
 *
 * @param a the first device's BDF
 * @param b the second device's BDF
 * @param aRdma the first device's software RDMA name when it is such an entry, else absent
 * @param bRdma likewise for b
 * @param kernel the Linux kernel's P2PDMA verdict
 * @param nvidia the label {@code nvidia-smi topo -m} prints (NVLink first)
 * @param nvidiaPcie the label {@code nvidia-smi topo -mp} prints (PCIe only)
 * @param nccl NCCL's path type and default decisions
 * @param driver the NVIDIA driver's own answer (NVML) for a pair of GPUs of a live host, absent
 *     otherwise
 * @param bottleneck the slowest link on the path, null when no link speed is known
 * @param hops the ports (and host bridges) from a to b
 * @param reasons why, each with a stable code and a fix where one exists
 * @param hopNames the hops named (device label and name, port role), in the same order; added by
 *     the server's {@code /paths} ({@link #withHopNames}), absent from {@code topo --format json}
 */
@JsonPropertyOrder({
  "a",
  "b",
  "aRdma",
  "bRdma",
  "kernel",
  "nvidia",
  "nvidiaPcie",
  "nccl",
  "driver",
  "bottleneck",
  "hops",
  "reasons",
  "hopNames"
})
public record PairVerdict(
    String a,
    String b,
    @JsonInclude(JsonInclude.Include.NON_NULL) String aRdma,
    @JsonInclude(JsonInclude.Include.NON_NULL) String bRdma,
    KernelVerdict kernel,
    SmiLabel nvidia,
    SmiLabel nvidiaPcie,
    NcclVerdict nccl,
    @JsonInclude(JsonInclude.Include.NON_NULL) DriverVerdict driver,
    Bottleneck bottleneck,
    List<String> hops,
    List<Reason> reasons,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<HopNames.Hop> hopNames) {

  public PairVerdict {
    hops = List.copyOf(hops);
    reasons = List.copyOf(reasons);
    hopNames = hopNames == null ? null : List.copyOf(hopNames);
  }

  /** This verdict with its hops named by {@code names}. */
  public PairVerdict withHopNames(HopNames names) {
    return new PairVerdict(
        a,
        b,
        aRdma,
        bRdma,
        kernel,
        nvidia,
        nvidiaPcie,
        nccl,
        driver,
        bottleneck,
        hops,
        reasons,
        names.of(hops));
  }
}
