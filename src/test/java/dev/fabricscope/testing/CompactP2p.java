package dev.fabricscope.testing;

import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the compact {@code /p2p} answer back into one entry per unordered pair, for assertions. */
public final class CompactP2p {

  /**
   * One pair of the answer.
   *
   * @param a the first device: its software RDMA name when it is such an entry, else its BDF
   * @param b the second device, likewise
   * @param aRdma whether a is a software RDMA entry
   * @param bRdma whether b is a software RDMA entry
   * @param verdict the verdict object, as JSON maps
   */
  public record Pair(
      String a, String b, boolean aRdma, boolean bRdma, Map<String, Object> verdict) {}

  private CompactP2p() {}

  /** Every pair (i &lt; j) of the answer, row by row. */
  public static List<Pair> pairs(JsonPath p2p) {
    List<Map<String, Object>> devices = p2p.getList("devices");
    List<Map<String, Object>> verdicts = p2p.getList("verdicts");
    List<Integer> pairs = p2p.getList("pairs", Integer.class);
    int n = devices.size();
    if (pairs.size() != n * (n - 1) / 2) {
      throw new AssertionError(pairs.size() + " pairs for " + n + " devices");
    }
    List<Pair> out = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        Map<String, Object> a = devices.get(i);
        Map<String, Object> b = devices.get(j);
        out.add(
            new Pair(
                id(a),
                id(b),
                a.get("rdma") != null,
                b.get("rdma") != null,
                verdicts.get(pairs.get(k++))));
      }
    }
    return out;
  }

  private static String id(Map<String, Object> device) {
    Object rdma = device.get("rdma");
    return rdma != null ? (String) rdma : (String) device.get("bdf");
  }
}
