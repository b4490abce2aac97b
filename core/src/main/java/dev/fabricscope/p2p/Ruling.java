package dev.fabricscope.p2p;

import java.util.List;

/**
 * What one rule set says of a pair: its value and why.
 *
 * @param value the verdict (a {@link KernelVerdict}, an {@link SmiLabel}, an {@link NcclVerdict}, a
 *     {@link DriverVerdict}); null where the rule set has nothing to say about the pair (the driver
 *     about a pair it was not asked about)
 * @param provisional whether an input the value depends on was unknown and the rule assumed it:
 *     ACS, the root-bus representative or the CPU for the kernel (its reasons name which, and the
 *     value's own flag says the same); a NUMA node for nvidia-smi's NODE/SYS and NCCL's PHB/SYS; a
 *     GPU's compute capability for NCCL's GPUDirect RDMA; the driver's "unknown" answer
 * @param reasons why, in the order a pair verdict lists them
 * @param <V> the kind of verdict
 */
public record Ruling<V>(V value, boolean provisional, List<Reason> reasons) {

  public Ruling {
    reasons = List.copyOf(reasons);
  }
}
