package dev.fabricscope.agent.cli;

import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.topology.Report;

/**
 * The bound on matrix devices that {@code topo} and {@code explain} apply before any pair is
 * computed: {@link P2pAnalyzer#MAX_MATRIX_DEVICES} (2,000), counted as the server's {@code /p2p}
 * counts them ({@link P2pAnalyzer#devices()}). Past it the input is refused as bad input (one line,
 * exit 2) instead of running the heap out with a stack trace.
 */
final class MatrixBound {

  private MatrixBound() {}

  /**
   * The analyzer of {@code report}, or a {@link UsageException} when it has more matrix devices
   * than the bound.
   *
   * @param command the command refusing ({@code topo}, {@code explain})
   * @param where the input as the message names it
   */
  static P2pAnalyzer analyzer(Report report, String command, String where) {
    P2pAnalyzer an = new P2pAnalyzer(report);
    // counting is linear in the report; the pairs are quadratic, so count before any pair
    int n = an.devices().size();
    if (n > P2pAnalyzer.MAX_MATRIX_DEVICES) {
      throw new UsageException(
          where
              + ": "
              + n
              + " matrix devices (GPUs, NICs/HCAs, NVMe, accelerators); "
              + command
              + " answers hosts of up to "
              + P2pAnalyzer.MAX_MATRIX_DEVICES
              + ", as the server's /p2p does by default");
    }
    return an;
  }

  /** The input as messages name it: this host, standard input or the path given. */
  static String where(String input) {
    if (input == null) {
      return "this host";
    }
    return input.equals(Cli.STANDARD_STREAM) ? "standard input" : input;
  }
}
