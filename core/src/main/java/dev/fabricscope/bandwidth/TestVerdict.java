package dev.fabricscope.bandwidth;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a measurement compares with what its path should carry: {@code pass} at or above the pass
 * ratio of the expected value, {@code warn} at or above the warn ratio, {@code fail} below it, and
 * {@code unknown} when nothing is expected (no link speed, no line rate, no earlier host memory
 * measurement). Ratios: {@link Efficiencies}.
 */
public enum TestVerdict {
  PASS("pass"),
  WARN("warn"),
  FAIL("fail"),
  UNKNOWN("unknown");

  private final String json;

  TestVerdict(String json) {
    this.json = json;
  }

  @JsonValue
  public String json() {
    return json;
  }

  /** The verdict of a measurement against an expectation (null: unknown). */
  public static TestVerdict of(double measuredGBps, Double expectedGBps, Efficiencies e) {
    if (expectedGBps == null || expectedGBps <= 0) {
      return UNKNOWN;
    }
    double ratio = measuredGBps / expectedGBps;
    return ratio >= e.passRatio() ? PASS : ratio >= e.warnRatio() ? WARN : FAIL;
  }
}
