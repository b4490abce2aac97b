package dev.fabricscope.planner;

/**
 * A pattern the planner refuses before the pairing: on this host it is more than {@link
 * Planner#MAX_FLOWS} flows ({@code gpu-all-to-all} is N·(N−1) flows for N GPUs, so a report of
 * thousands of GPUs asks for millions). Counted from the report's GPUs, before any pairing work.
 */
public final class FlowLimitException extends PlannerLimitException {

  private static final long serialVersionUID = 1L;

  /** Flows the pattern would be on this host. */
  private final long flows;

  FlowLimitException(String what, long flows, long gpus) {
    super(
        what
            + " on this host is "
            + flows
            + " flows ("
            + gpus
            + " GPUs), more than the "
            + Planner.MAX_FLOWS
            + " a plan may have");
    this.flows = flows;
  }

  /**
   * Refuses a pattern of more than {@link Planner#MAX_FLOWS} flows.
   *
   * @throws FlowLimitException when it is
   */
  static void check(String what, long flows, long gpus) {
    if (flows > Planner.MAX_FLOWS) {
      throw new FlowLimitException(what, flows, gpus);
    }
  }

  /** The flows the pattern would be. */
  public long flows() {
    return flows;
  }
}
