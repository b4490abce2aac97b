package dev.fabricscope.api;

/** No demo report has the requested name; mapped to a 404 problem by {@link ProblemMapper}. */
public class DemoReportNotFoundException extends RuntimeException {

  private final String name;

  /** For the demo report called {@code name}. */
  public DemoReportNotFoundException(String name) {
    super("no demo report named '" + name + "'");
    this.name = name;
  }

  /** The name that was asked for. */
  public String name() {
    return name;
  }
}
