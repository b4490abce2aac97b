package dev.fabricscope.api;

import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.DeviceNames;
import dev.fabricscope.p2p.HopNames;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.PairVerdict;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;

/**
 * One pair's verdicts in a report (a host's snapshot or a plan version), the pair named as users
 * name devices: BDFs, or the names {@code topo} and the Matrix tab print ({@link DeviceNames}).
 */
public final class PairByName {

  private PairByName() {}

  /**
   * The verdicts of {@code a} and {@code b}; missing, unknown or ambiguous names are a 400 whose
   * detail ends with {@code where}.
   */
  public static PairVerdict verdict(Report report, String a, String b, String where) {
    requireBoth(a, b);
    return verdict(DeviceNames.of(new P2pAnalyzer(report)), a, b, where);
  }

  /**
   * {@link #verdict(Report, String, String, String)} with the report's names already made, for a
   * caller that also draws its graph ({@link dev.fabricscope.graph.FabricGraphs#of(DeviceNames,
   * boolean)}): the fabric and the nvidia-smi layout are built once per request.
   */
  public static PairVerdict verdict(DeviceNames names, String a, String b, String where) {
    requireBoth(a, b);
    P2pAnalyzer an = names.analyzer();
    return an.pair(device(names, a, where), device(names, b, where))
        .withHopNames(new HopNames(an, names.layout()));
  }

  /**
   * A 400 unless both names are given: checked before a request waits for a slot or reads a report.
   */
  public static void requireBoth(String a, String b) {
    if (a == null || b == null) {
      throw ApiException.badRequest("paths needs ?a=&b= (BDFs or device names such as GPU0)");
    }
  }

  /** The device a name names; unknown or ambiguous names are the caller's error. */
  private static Device device(DeviceNames names, String name, String where) {
    try {
      return names.resolve(name);
    } catch (DeviceNames.UnknownNameException e) {
      throw ApiException.badRequest(e.getMessage() + where);
    }
  }
}
