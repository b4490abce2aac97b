package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A measurement of more samples than the server stores is an error naming the helper (fourteenth
 * security review: a stand-in iperf3's 20,000 intervals became 20,000 samples, and the test timed
 * out on the server instead).
 */
class MeasurementBoundTest {

  static List<Double> samples(int n) {
    return new ArrayList<>(Collections.nCopies(n, 1.0));
  }

  @Test
  void theReviewsCaseAndTheEdge() throws Exception {
    var e =
        assertThrows(
            HelperException.class,
            () -> new Measurement(samples(20_000), "iperf3 3.12", null).bounded());
    assertEquals("iperf3 3.12 reported 20000 samples; at most 10000 are taken", e.getMessage());
    Measurement edge = new Measurement(samples(Measurement.MAX_SAMPLES), "iperf3 3.12", null);
    assertSame(edge, edge.bounded());
  }

  /** Generated splits of samples over a test and its concurrent flows: all of them count. */
  @Test
  void generatedFlowsCountTogether() throws Exception {
    Random random = new Random(14);
    for (int run = 0; run < 300; run++) {
      int own = random.nextInt(6000);
      List<List<Double>> flows = new ArrayList<>();
      int total = own;
      for (int f = random.nextInt(4); f > 0; f--) {
        int n = random.nextInt(4000);
        flows.add(samples(n));
        total += n;
      }
      Measurement m = new Measurement(samples(own), "h", null, flows.isEmpty() ? null : flows);
      if (total <= Measurement.MAX_SAMPLES) {
        assertSame(m, m.bounded(), "run " + run);
      } else {
        var e = assertThrows(HelperException.class, m::bounded, "run " + run);
        assertTrue(e.getMessage().contains("reported " + total + " samples"), e.getMessage());
      }
    }
  }
}
