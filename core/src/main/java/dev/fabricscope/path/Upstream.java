package dev.fabricscope.path;

/**
 * One function's upstream chain (p2p-rules.md §2.2, a VF as its PF) indexed for pair questions,
 * built once per function by {@link Paths#upstream}: node ids shared by every chain of the report,
 * so two chains meet where their ids do, and per position the facts the rules read, accumulated
 * from the function upward (prefix flags for ACS, the switch each port belongs to, the slowest link
 * so far). {@link Paths#meet} turns two of them into a {@link Meeting} in O(depth²) integer
 * compares, without lists: the path of one pair and every pair of a large host are decided by the
 * same code.
 */
public final class Upstream {

  final String[] bdf;
  final int[] ids;
  final boolean[] redirectUpTo;
  final boolean[] unknownUpTo;
  final int[] switchIds;
  // distinct switches among positions 1..k (0 at k = 0): a switch's ports are adjacent in a chain
  final int[] switchesFrom1;
  final PcieLink[] slowestUpTo;
  final String hostBridge;
  final int hostBridgeId;
  final Integer numa;
  // numa as an int for pair compares, Integer.MIN_VALUE when unknown
  final int numaId;

  Upstream(
      String[] bdf,
      int[] ids,
      boolean[] redirectUpTo,
      boolean[] unknownUpTo,
      int[] switchIds,
      PcieLink[] slowestUpTo,
      String hostBridge,
      int hostBridgeId,
      Integer numa) {
    this.bdf = bdf;
    this.ids = ids;
    this.redirectUpTo = redirectUpTo;
    this.unknownUpTo = unknownUpTo;
    this.switchIds = switchIds;
    this.switchesFrom1 = new int[switchIds.length];
    for (int k = 1; k < switchIds.length; k++) {
      boolean starts = switchIds[k] >= 0 && (k == 1 || switchIds[k] != switchIds[k - 1]);
      switchesFrom1[k] = switchesFrom1[k - 1] + (starts ? 1 : 0);
    }
    this.slowestUpTo = slowestUpTo;
    this.hostBridge = hostBridge;
    this.hostBridgeId = hostBridgeId;
    this.numa = numa;
    this.numaId = numa == null ? Integer.MIN_VALUE : numa;
  }

  /** The chain's length: the function and every bridge above it up to the root bus. */
  public int length() {
    return bdf.length;
  }

  /** The function at a position of the chain (0 = the function itself). */
  public String bdf(int position) {
    return bdf[position];
  }

  /**
   * The slowest link among the upstream links of chain positions 0..{@code position} (a link is
   * read at its downstream end), the first of equals; null when none of them has a known rate or
   * {@code position} is negative.
   */
  public PcieLink slowestUpTo(int position) {
    return position < 0 ? null : slowestUpTo[position];
  }

  /** The root bus ({@code pci0000:00}), or null when unknown. */
  public String hostBridge() {
    return hostBridge;
  }

  /** A number per distinct {@link #hostBridge()} of the report (unknown counts as one value). */
  public int hostBridgeId() {
    return hostBridgeId;
  }

  /** NUMA node of the function or its nearest ancestor that knows one; null when unknown. */
  public Integer numa() {
    return numa;
  }
}
