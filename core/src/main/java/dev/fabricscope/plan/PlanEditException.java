package dev.fabricscope.plan;

/** An edit that cannot apply to the plan as it stands; the message says which and why. */
public final class PlanEditException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public PlanEditException(String message) {
    super(message);
  }
}
