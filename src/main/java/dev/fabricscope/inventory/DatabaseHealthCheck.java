package dev.fabricscope.inventory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: UP while a pooled connection to the inventory database answers within 2 s. */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements HealthCheck {

  @Inject Database database;

  @Override
  public HealthCheckResponse call() {
    boolean up = database.isReachable(2);
    return HealthCheckResponse.named("database").status(up).build();
  }
}
