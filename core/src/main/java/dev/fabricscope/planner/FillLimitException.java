package dev.fabricscope.planner;

/**
 * A plan the planner refuses after routing and before the max-min filling: its flows cross so many
 * distinct links that the filling would visit more than {@link Planner#MAX_FILL_VISITS} of them
 * (each round scans every link, and there are up to min(flows, links) rounds). A custom flow list
 * is bounded in flows ({@link Planner#MAX_FLOWS}) but not in the links its flows reach: on a host
 * of thousands of devices, thousands of flows each to devices of their own reach thousands of
 * links, and the filling's cost grows with their product. One of the planner's limits ({@link
 * PlannerLimitException}).
 */
public final class FillLimitException extends PlannerLimitException {

  private static final long serialVersionUID = 1L;

  /** Flows of the plan. */
  private final int flows;

  /** Distinct capacity-limited links (per direction) its flows cross. */
  private final int links;

  FillLimitException(int flows, int links) {
    super(
        flows
            + " flows over "
            + links
            + " distinct links ("
            + visits(flows, links)
            + " link visits to fill); the planner fills at most "
            + Planner.MAX_FILL_VISITS
            + " (min(flows, links) × links)");
    this.flows = flows;
    this.links = links;
  }

  /**
   * Refuses a plan whose filling could visit more than {@link Planner#MAX_FILL_VISITS} links.
   *
   * @throws FillLimitException when it could
   */
  static void check(int flows, int links) {
    if (visits(flows, links) > Planner.MAX_FILL_VISITS) {
      throw new FillLimitException(flows, links);
    }
  }

  /**
   * The most link visits of the filling: a round per flow or link at most, each scans the links.
   */
  static long visits(int flows, int links) {
    return (long) Math.min(flows, links) * links;
  }

  /** The plan's flows. */
  public int flows() {
    return flows;
  }

  /** The distinct links (per direction) its flows cross. */
  public int links() {
    return links;
  }
}
