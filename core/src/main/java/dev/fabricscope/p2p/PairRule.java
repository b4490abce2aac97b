package dev.fabricscope.p2p;

/**
 * One rule set's verdict for a pair of devices: the kernel's P2PDMA ({@link KernelP2pRules}),
 * nvidia-smi's labels ({@link NvidiaSmiRules}), NCCL's path and defaults ({@link NcclRules}) and
 * the NVIDIA driver's answer ({@link DriverRules}). Every rule set reads the pair's {@link
 * dev.fabricscope.path.Path} (the fabric's one path model) and obeys one contract, checked by
 * {@code PairRuleContractTest} over the fixtures and synthetic hosts: the value of (a, b) equals
 * that of (b, a); a device with itself is the rule set's "self"; a VF is walked as its PF; an
 * unknown input makes the ruling provisional instead of guessing silently.
 *
 * @param <V> the kind of verdict
 */
public interface PairRule<V> {

  /** The verdict for the pair, with its reasons. */
  Ruling<V> rule(DevicePair pair);
}
