package dev.fabricscope.planner;

/**
 * Max-min fair rates by progressive filling (planner-facts.md §6, Radunović–Le Boudec's water
 * filling): every unfrozen flow is raised by the same amount until a link saturates; the flows
 * crossing it freeze there, that link being their bottleneck; repeat on what is left. The result is
 * the unique max-min fair allocation: no rate can grow without lowering one that is not larger.
 * Every round freezes the flows of at least the link that set its increment, so filling ends for
 * any positive finite capacities, subnormal ones included. O(rounds × links + Σ route lengths): a
 * round scans the links, and a flow's route is read when it freezes, once; at most one round per
 * flow and per link.
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
    // the flows crossing each link (CSR: crossing[start[r]] .. crossing[start[r + 1] - 1]), so a
    // round looks only at the flows of the links saturating in it: each flow's route is read once
    // when it freezes instead of every round, which on a host of thousands of distinct links made
    // rounds × (flows + their routes) the planner's largest cost
    int[] start = new int[m + 1];
    for (int r = 0; r < m; r++) {
      start[r + 1] = start[r] + flowsOn[r];
    }
    int[] crossing = new int[start[m]];
    int[] fill = start.clone();
    for (int f = 0; f < n; f++) {
      for (int r : routes[f]) {
        crossing[fill[r]++] = f;
      }
    }
    // every open flow has had the same increments since the start, so its rate is this level,
    // summed in the same order as each rate was before (bit for bit the same)
    double level = 0;
    boolean[] saturated = new boolean[m];
    int[] saturating = new int[m];
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
      level += delta;
      int count = 0;
      for (int r = 0; r < m; r++) {
        if (active[r] > 0) {
          left[r] -= delta * active[r];
          saturated[r] = left[r] <= EPS * capacity[r];
          // the link that set delta is full whatever the rounding: with a subnormal capacity
          // (7e-321) EPS × capacity is 0 and left / active × active can stay a unit above it, so
          // the test above saturated nothing and the filling made no progress
          saturated[r] |= r == tightest;
          if (saturated[r]) {
            saturating[count++] = r;
          }
        }
      }
      // an open flow crosses only links with open flows, whose flags this round has just set;
      // the flows that freeze are those crossing a saturated link, and which link each names
      // depends on the flags alone, so the order they are visited in changes nothing
      for (int k = 0; k < count; k++) {
        int s = saturating[k];
        for (int x = start[s]; x < start[s + 1]; x++) {
          int f = crossing[x];
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
          frozen[f] = true;
          bottleneck[f] = at;
          rate[f] = level;
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
