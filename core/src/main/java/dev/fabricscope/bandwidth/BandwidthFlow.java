package dev.fabricscope.bandwidth;

/**
 * One more flow of a test that runs several at once ({@link BandwidthSpec#concurrent()}): its two
 * ends on the test's host, checked against the kind like the test's own.
 *
 * @param source where the data comes from ({@code 0000:04:00.0} for nvme-read)
 * @param target where it goes ({@code numa:0})
 */
public record BandwidthFlow(Endpoint source, Endpoint target) {

  /** As the agent's {@code --also} and the job store write it: {@code SOURCE=TARGET}. */
  @Override
  public String toString() {
    return source + "=" + target;
  }

  /**
   * Reads {@code SOURCE=TARGET}.
   *
   * @throws IllegalArgumentException when it is not two endpoints around one {@code =}
   */
  public static BandwidthFlow parse(String text) {
    if (text == null || text.length() > 140) {
      throw new IllegalArgumentException("a flow is SOURCE=TARGET of at most 140 characters");
    }
    int eq = text.indexOf('=');
    if (eq < 0 || text.indexOf('=', eq + 1) >= 0) {
      throw new IllegalArgumentException(
          "flow '" + Endpoint.printable(text) + "' is not SOURCE=TARGET");
    }
    return new BandwidthFlow(
        Endpoint.parse(text.substring(0, eq)), Endpoint.parse(text.substring(eq + 1)));
  }
}
