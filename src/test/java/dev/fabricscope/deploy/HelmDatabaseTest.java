package dev.fabricscope.deploy;

import static dev.fabricscope.deploy.PodParts.env;
import static dev.fabricscope.deploy.PodParts.only;
import static dev.fabricscope.deploy.PodParts.selects;
import static dev.fabricscope.deploy.PodParts.volumeAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The server on PostgreSQL: from values (password from a Secret) or wholly from one Secret. */
class HelmDatabaseTest {

  static final Path PG_VALUES = HelmChartTest.CI.resolve("postgresql-values.yaml");
  static final Path SECRET_VALUES = HelmChartTest.CI.resolve("existing-secret-values.yaml");

  @Test
  void postgresqlFromValuesTakesOnlyThePasswordFromItsSecret() {
    RenderedChart chart = RenderedChart.render(PG_VALUES);
    Deployment server = chart.get(Deployment.class);
    Container c = only(server.getSpec().getTemplate().getSpec());
    assertEquals(
        "jdbc:postgresql://db.fleet.svc:5432/fabricscope", env(c, "FABRICSCOPE_DB_URL").getValue());
    assertEquals("fabricscope", env(c, "FABRICSCOPE_DB_USER").getValue());
    EnvVar password = env(c, "FABRICSCOPE_DB_PASSWORD");
    assertNull(password.getValue(), "a password never stands in the Deployment");
    assertSecretKey("fabricscope-db", "password", password);
    // nothing to keep on the pod: no claim, an emptyDir for the data dir
    assertTrue(chart.find(PersistentVolumeClaim.class).isEmpty());
    assertNotNull(
        volumeAt(server.getSpec().getTemplate().getSpec(), "/var/lib/fabricscope").getEmptyDir());
  }

  @Test
  void severalReplicasRollWithoutGapsAndKeepADisruptionBudget() {
    RenderedChart chart = RenderedChart.render(PG_VALUES);
    Deployment server = chart.get(Deployment.class);
    assertEquals(3, server.getSpec().getReplicas());
    assertEquals("RollingUpdate", server.getSpec().getStrategy().getType());
    assertEquals(
        0, server.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
    PodDisruptionBudget pdb = chart.get(PodDisruptionBudget.class);
    assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal());
    assertTrue(
        selects(
            pdb.getSpec().getSelector().getMatchLabels(),
            server.getSpec().getTemplate().getMetadata().getLabels()));
  }

  @Test
  void existingSecretGivesUrlUserAndPasswordUnderItsKeys() {
    RenderedChart chart = RenderedChart.render(SECRET_VALUES);
    Container c = only(chart.get(Deployment.class).getSpec().getTemplate().getSpec());
    // CloudNativePG's "<cluster>-app" Secret names its keys so
    assertSecretKey("fleet-db-app", "jdbc-uri", env(c, "FABRICSCOPE_DB_URL"));
    assertSecretKey("fleet-db-app", "username", env(c, "FABRICSCOPE_DB_USER"));
    assertSecretKey("fleet-db-app", "password", env(c, "FABRICSCOPE_DB_PASSWORD"));
    assertSecretKey("fabricscope-admin", "token", env(c, "FABRICSCOPE_ADMIN_TOKEN"));
    // agent.enabled=false in that file
    assertTrue(chart.find(DaemonSet.class).isEmpty());
    assertEquals(1, chart.get(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal());
  }

  static void assertSecretKey(String secret, String key, EnvVar v) {
    assertNull(v.getValue(), v.getName() + " from a Secret only");
    SecretKeySelector ref = v.getValueFrom().getSecretKeyRef();
    assertEquals(secret, ref.getName(), v.getName());
    assertEquals(key, ref.getKey(), v.getName());
  }
}
