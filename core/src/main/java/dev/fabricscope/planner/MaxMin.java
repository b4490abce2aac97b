package dev.fabricscope.planner;

/**
 * Max-min fair rates by progressive filling (planner-facts.md §6, Radunović–Le Boudec's water
 * filling): every unfrozen flow is raised by the same amount until a link saturates; the flows
 * crossing it freeze there, that link being their bottleneck; repeat on what is left. The result is
 * the unique max-min fair allocation: no rate can grow without lowering one that is not larger.
 * Every round freezes the flows of at least the link that set its increment, so filling ends for
 * any positive finite capacities, subnormal ones included. O(rounds × (links + flows × route
 * length)); at most one round per link.
 */
public final class MaxMin {

  /** Relative slack under which a link counts as saturated (floating-point subtraction). */
  private static final double EPS = 1e-9;

  private MaxMin() {}

  /**
   * The allocation.
   *
   * @param rates GB/s per flow; +∞ for a flow that crosses no link of known capacity
   * @param bottleneck per flow, the index of its bottleneck link, -1 when it has none
   * @param used GB/s per link
   * @param flowsOn per link, how many flows cross it
   */
  public record Allocation(double[] rates, int[] bottleneck, double[] used, int[] flowsOn) {}

  /**
   * Solves one instance.
   *
   * @param capacity GB/s per link, each positive and finite
   * @param routes per flow, the indexes of the links it crosses (each at most once)
   * @throws IllegalArgumentException for a capacity that is not positive and finite: filling would
   *     never saturate such a link, and the loop below would never end
   */
  public static Allocation solve(double[] capacity, int[][] routes) {
    int n = routes.length;
    int m = capacity.length;
    for (int r = 0; r < m; r++) {
      if (!(capacity[r] > 0) || Double.isInfinite(capacity[r])) {
        throw new IllegalArgumentException("link " + r + " has a capacity of " + capacity[r]);
      }
    }
    double[] rate = new double[n];
    int[] bottleneck = new int[n];
    boolean[] frozen = new boolean[n];
    double[] left = capacity.clone();
    int[] active = new int[m];
    int[] flowsOn = new int[m];
    int open = 0;
    for (int f = 0; f < n; f++) {
      bottleneck[f] = -1;
      for (int r : routes[f]) {
        active[r]++;
        flowsOn[r]++;
      }
      if (routes[f].length == 0) {
        frozen[f] = true;
        rate[f] = Double.POSITIVE_INFINITY;
      } else {
        open++;
      }
    }
    boolean[] saturated = new boolean[m];
    while (open > 0) {
      int openBefore = open;
      double delta = Double.POSITIVE_INFINITY;
      int tightest = -1;
      for (int r = 0; r < m; r++) {
        if (active[r] > 0 && (tightest < 0 || left[r] / active[r] < delta)) {
          delta = left[r] / active[r];
          tightest = r;
        }
      }
      for (int f = 0; f < n; f++) {
        if (!frozen[f]) {
          rate[f] += delta;
        }
      }
      for (int r = 0; r < m; r++) {
        if (active[r] > 0) {
          left[r] -= delta * active[r];
          saturated[r] = left[r] <= EPS * capacity[r];
        }
      }
      // the link that set delta is full whatever the rounding: with a subnormal capacity (7e-321)
      // EPS × capacity is 0 and left / active × active can stay a unit above it, so the test
      // above saturated nothing and the filling made no progress
      saturated[tightest] = true;
      for (int f = 0; f < n; f++) {
        if (frozen[f]) {
          continue;
        }
        int at = -1;
        for (int r : routes[f]) {
          // of the links saturating now, the smallest is named (ties: the first crossed)
          if (saturated[r] && (at < 0 || capacity[r] < capacity[at])) {
            at = r;
          }
        }
        if (at >= 0) {
          frozen[f] = true;
          bottleneck[f] = at;
          open--;
          for (int r : routes[f]) {
            active[r]--;
          }
        }
      }
      if (open == openBefore) {
        // each round saturates the tightest link, whose open flows freeze; one that froze none
        // would repeat forever (a fault, never input: the tightest link has an open flow)
        throw new IllegalStateException("max-min filling made no progress with " + open + " open");
      }
    }
    double[] used = new double[m];
    for (int f = 0; f < n; f++) {
      if (routes[f].length > 0) {
        for (int r : routes[f]) {
          used[r] += rate[f];
        }
      }
    }
    return new Allocation(rate, bottleneck, used, flowsOn);
  }
}
