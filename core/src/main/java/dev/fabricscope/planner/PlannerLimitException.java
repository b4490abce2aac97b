package dev.fabricscope.planner;

/**
 * A plan the planner refuses because computing it would cost more than one of its bounds allows:
 * flows ({@link FlowLimitException}, {@link Planner#MAX_FLOWS}), GPU pairs to rank ({@link
 * PairLimitException}, {@link Planner#MAX_PAIRS}) or link visits of the max-min filling ({@link
 * FillLimitException}, {@link Planner#MAX_FILL_VISITS}). The request was valid; this host cannot be
 * planned for within the bounds, so callers refuse it as such, in one place: the API with a 422,
 * the CLI with a usage error, the host offers with a host that offers nothing and says why. An
 * {@link IllegalArgumentException}, as every refusal of the planner's input is, so that a caller
 * which does not tell them apart still refuses rather than fails.
 */
public abstract sealed class PlannerLimitException extends IllegalArgumentException
    permits FlowLimitException, PairLimitException, FillLimitException {

  private static final long serialVersionUID = 1L;

  PlannerLimitException(String message) {
    super(message);
  }
}
