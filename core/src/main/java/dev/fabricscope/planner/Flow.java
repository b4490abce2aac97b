package dev.fabricscope.planner;

/**
 * A transfer running at the same time as the others of a plan: data moves from source to target.
 *
 * @param source where the data comes from
 * @param target where it goes
 */
public record Flow(FlowEnd source, FlowEnd target) {

  public Flow {
    if (source == null || target == null) {
      throw new IllegalArgumentException("a flow needs a source and a target");
    }
  }
}
