package dev.fabricscope.metrics;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A scrape in Prometheus's text format, read just enough for assertions: HELP lines and sample
 * values by name and labels.
 */
public record PromText(String text) {

  /** Whether a non-empty {@code # HELP family ...} line is there. */
  boolean hasHelp(String family) {
    return text.lines()
        .anyMatch(l -> l.startsWith("# HELP " + family + " ") && l.length() > family.length() + 8);
  }

  /**
   * The value of the sample {@code name} whose labels are exactly {@code labels} ({@code k="v"}
   * pairs joined by commas, in the order written; "" for none). Fails when there is none.
   */
  public double value(String name, String labels) {
    for (String l : text.lines().toList()) {
      if (l.startsWith("#") || !l.startsWith(name)) {
        continue;
      }
      int sp = l.lastIndexOf(' ');
      String series = l.substring(0, sp);
      String got;
      if (series.equals(name)) {
        got = "";
      } else if (series.startsWith(name + "{") && series.endsWith("}")) {
        // the writer may end the label list with a comma
        got = series.substring(name.length() + 1, series.length() - 1).replaceAll(",$", "");
      } else {
        continue;
      }
      if (got.equals(labels)) {
        return Double.parseDouble(l.substring(sp + 1));
      }
    }
    fail("no sample " + name + "{" + labels + "} in\n" + text);
    return Double.NaN;
  }
}
