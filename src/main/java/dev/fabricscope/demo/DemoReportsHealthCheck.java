package dev.fabricscope.demo;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: DOWN while the demo archives are still being unpacked at startup, then UP with the
 * number loaded. Stays UP when some archives failed, because the server still serves the rest; the
 * failures are named in the check's data for whoever looks.
 */
@Readiness
@ApplicationScoped
public class DemoReportsHealthCheck implements HealthCheck {

  @Inject DemoReports demoReports;

  @Override
  public HealthCheckResponse call() {
    // Never block the health endpoint on the loader.
    if (!demoReports.isLoaded()) {
      return HealthCheckResponse.named("demo-reports").down().withData("state", "loading").build();
    }
    var builder =
        HealthCheckResponse.named("demo-reports")
            .up()
            .withData("loaded", demoReports.reports().size())
            .withData("failed", demoReports.failures().size());
    demoReports.failures().forEach((name, reason) -> builder.withData("failed:" + name, reason));
    return builder.build();
  }
}
