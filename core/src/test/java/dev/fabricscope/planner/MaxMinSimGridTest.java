package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.SimGridMaxMin;
import dev.fabricscope.oracle.SimGridMaxMin.Instance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MaxMin} against a peer: SimGrid's max-min solver (CM02 model stripped to plain max-min,
 * {@link SimGridMaxMin}) on the same instances gives each flow the same rate. Generated and seeded:
 * links of PCIe's usable rates (many ties) and of random ones, routes of one to eight links, up to
 * 300 flows on 200 links; a failure names the instance.
 */
class MaxMinSimGridTest {

  /** Instances generated: all solved in one SimGrid run of a few seconds. */
  private static final int INSTANCES = 400;

  /**
   * Relative agreement asked. SimGrid solves in doubles (its maxmin/precision, 1e-5, is in bytes/s,
   * on rates of 10^5 to 10^11 bytes/s here); a rate is read back as the bytes one simulated second
   * moved of a 10^12-byte transfer, exact to 2^-13 bytes: 10^-9 of the smallest rates.
   */
  private static final double RELATIVE = 1e-8;

  @TempDir Path tmp;

  /**
   * Usable GB/s of PCIe links as the path model gives them (raw × 256/282 × 0.95, raw 0.25, 0.5,
   * 0.985, 1.969, 3.938 GB/s per lane for Gen1 to Gen5) at x1 to x16: links of one kind tie.
   */
  static double[] pcieRates() {
    double[] perLane = {0.25, 0.5, 0.985, 1.969, 3.938};
    int[] widths = {1, 2, 4, 8, 16};
    double[] out = new double[perLane.length * widths.length];
    int i = 0;
    for (double g : perLane) {
      for (int w : widths) {
        out[i++] = g * w * 256 / 282 * 0.95;
      }
    }
    return out;
  }

  static Instance generate(SplittableRandom r, int run) {
    double[] pcie = pcieRates();
    int m = 1 + r.nextInt(run % 20 == 0 ? 200 : 30);
    double[] cap = new double[m];
    for (int k = 0; k < m; k++) {
      cap[k] =
          switch (r.nextInt(4)) {
            case 0 -> 60.09; // a NUMA node's host memory, LinkRates' default
            case 1 -> 0.05 + r.nextDouble() * 100;
            default -> pcie[r.nextInt(pcie.length)];
          };
    }
    int n = 1 + r.nextInt(run % 20 == 0 ? 300 : 40);
    int[][] routes = new int[n][];
    for (int f = 0; f < n; f++) {
      routes[f] = r.ints(0, m).distinct().limit(1 + r.nextInt(Math.min(m, 8))).toArray();
    }
    return new Instance(cap, routes);
  }

  @Test
  void everyFlowGetsTheRateSimGridGives() throws Exception {
    SplittableRandom r = new SplittableRandom(20261207);
    List<Instance> instances = new ArrayList<>();
    // a hand case first: link 0 (10 GB/s) carries flows 0 and 2, link 1 (4 GB/s) flows 0 and 1
    instances.add(new Instance(new double[] {10, 4}, new int[][] {{0, 1}, {1}, {0}}));
    for (int run = 0; run < INSTANCES; run++) {
      instances.add(generate(r, run));
    }
    SimGridMaxMin.Result peer = SimGridMaxMin.solve(instances, tmp);
    assertEquals(instances.size(), peer.rates().size());
    assertEquals(List.of(2.0, 2.0, 8.0), boxed(peer.rates().get(0)), "SimGrid's own hand case");
    int flows = 0;
    for (int i = 0; i < instances.size(); i++) {
      Instance inst = instances.get(i);
      double[] ours = MaxMin.solve(inst.capacity(), inst.routes()).rates();
      double[] theirs = peer.rates().get(i);
      assertEquals(ours.length, theirs.length, "instance " + i);
      for (int f = 0; f < ours.length; f++) {
        double tol = RELATIVE * Math.max(Math.abs(ours[f]), Math.abs(theirs[f]));
        assertEquals(
            theirs[f],
            ours[f],
            tol,
            "instance "
                + i
                + " ("
                + inst.capacity().length
                + " links, "
                + inst.routes().length
                + " flows), flow "
                + f
                + ": "
                + SimGridMaxMin.json(List.of(inst)));
        flows++;
      }
    }
    assertTrue(flows > 5_000, flows + " flows compared");
  }

  private static List<Double> boxed(double[] v) {
    List<Double> out = new ArrayList<>();
    for (double d : v) {
      out.add(d);
    }
    return out;
  }
}
