package dev.fabricscope.planner;

/**
 * A host the planner refuses to pair, before any pairing work: its GPUs × (NIC ports + NVMe
 * controllers) exceed {@link Planner#MAX_PAIRS}. The pairing ranks every such pair by path class
 * (about 2 µs each, and an entry of memory), so a valid report with thousands of GPUs and NICs
 * (8,000 of each fit the 16 MiB report limit) would cost time and memory in proportion to their
 * product: the review of 2026-12-06 saw 17.7 s of CPU and a 337 MB answer for 4,000 × 4,000, and a
 * server run out of heap. One of the planner's limits ({@link PlannerLimitException}).
 */
public final class PairLimitException extends PlannerLimitException {

  private static final long serialVersionUID = 1L;

  /** GPUs of the host. */
  private final int gpus;

  /** NIC ports (or NIC functions) the pairing would rank. */
  private final int nics;

  /** NVMe controllers the pairing would rank. */
  private final int nvmes;

  PairLimitException(int gpus, int nics, int nvmes) {
    super(
        "the host has "
            + gpus
            + " GPUs, "
            + nics
            + " NICs and "
            + nvmes
            + " NVMe controllers ("
            + pairs(gpus, nics, nvmes)
            + " GPU pairs to rank); the planner pairs at most "
            + Planner.MAX_PAIRS
            + " (GPUs × (NICs + NVMe controllers))");
    this.gpus = gpus;
    this.nics = nics;
    this.nvmes = nvmes;
  }

  /**
   * Refuses a host whose pairing would rank more than {@link Planner#MAX_PAIRS} pairs.
   *
   * @throws PairLimitException when it would
   */
  static void check(int gpus, int nics, int nvmes) {
    if (pairs(gpus, nics, nvmes) > Planner.MAX_PAIRS) {
      throw new PairLimitException(gpus, nics, nvmes);
    }
  }

  /** GPU × candidate pairs the pairing ranks (long: the counts' product overflows an int). */
  static long pairs(int gpus, int nics, int nvmes) {
    return (long) gpus * ((long) nics + nvmes);
  }

  /** The host's GPUs. */
  public int gpus() {
    return gpus;
  }

  /** The NIC ports (or NIC functions) the pairing would rank. */
  public int nics() {
    return nics;
  }

  /** The NVMe controllers the pairing would rank. */
  public int nvmes() {
    return nvmes;
  }
}
