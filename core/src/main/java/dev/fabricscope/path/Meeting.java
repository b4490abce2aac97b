package dev.fabricscope.path;

/**
 * Where two upstream chains meet and what the rules need to know about the ports between, the facts
 * every rule set reads from a {@link Path} (p2p-rules.md §2.3, §4.1). Computed by {@link
 * Paths#meet} from two {@link Upstream}s: for one pair inside {@link Path}, for every pair of a
 * host by the all-pairs matrix, by the same code.
 *
 * @param upA steps from a (as its PF) up to the common bridge; -1 when there is none
 * @param upB steps from b up to the common bridge; -1 when there is none
 * @param distance the kernel's distance: {@code upA + upB}, or both chains' lengths without a
 *     common bridge
 * @param acsRedirect whether a port the kernel checks (both functions, their bridges up to and
 *     including the common one, §2.3) has ACS redirect on; false without a common bridge
 * @param acsUnknown whether the ACS state of such a port is unknown
 * @param switches the distinct PCIe switches among the bridges between the two functions (what
 *     separates nvidia-smi's PIX from PXB); 0 without a common bridge
 * @param sameHostBridge whether both root buses are known and the same
 * @param hostBridgesKnown whether both root buses are known
 * @param sameNuma whether the NUMA nodes are equal (both unknown counts as equal, as NCCL's -1
 *     does)
 * @param numaKnown whether both NUMA nodes are known
 */
public record Meeting(
    int upA,
    int upB,
    int distance,
    boolean acsRedirect,
    boolean acsUnknown,
    int switches,
    boolean sameHostBridge,
    boolean hostBridgesKnown,
    boolean sameNuma,
    boolean numaKnown) {

  /** Whether the two chains share a bridge below the host bridge. */
  public boolean hasCommonBridge() {
    return upA >= 0;
  }
}
