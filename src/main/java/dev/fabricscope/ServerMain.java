package dev.fabricscope;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The server's entry point: Quarkus, with one setting that must precede its start. Quarkus checks
 * every request URI with {@link java.net.URI} before any route and answers a refused one (e.g.
 * {@code /%zz}) with an empty 400; with {@code vertx.disableURIValidation} that check is left to
 * {@link dev.fabricscope.api.HttpLayerProblems}, the first route, which refuses the same URIs with
 * a problem+json body (issue 9: every 4xx is a problem). It is a system property read when Quarkus
 * builds its HTTP handler, so it cannot live in {@code application.properties}. The tests set it
 * the same way (the surefire configuration in {@code pom.xml}).
 */
@QuarkusMain
public final class ServerMain {

  /** The system property Quarkus reads; an explicit {@code -D} of the operator wins. */
  static final String URI_VALIDATION_OFF = "vertx.disableURIValidation";

  private ServerMain() {}

  public static void main(String... args) {
    if (System.getProperty(URI_VALIDATION_OFF) == null) {
      System.setProperty(URI_VALIDATION_OFF, "true");
    }
    Quarkus.run(args);
  }
}
