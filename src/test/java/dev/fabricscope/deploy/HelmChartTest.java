package dev.fabricscope.deploy;

import static dev.fabricscope.deploy.PodParts.env;
import static dev.fabricscope.deploy.PodParts.only;
import static dev.fabricscope.deploy.PodParts.selects;
import static dev.fabricscope.deploy.PodParts.volumeAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.fabricscope.config.ConfigKeys;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.sysfs.ArchiveExtractor;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.smallrye.config.EnvConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chart lints clean under {@code helm lint --strict} and its default rendering is the one-pod
 * H2 server with the hardening the issue asks for. Every object is read into fabric8's model types
 * without unknown fields by {@link RenderedChart}.
 */
class HelmChartTest {

  static final Path CI = RenderedChart.CHART.resolve("ci");

  @Test
  void lintsCleanInStrictMode() {
    LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();
    assertFalse(lint.isFailed(), () -> String.join("\n", lint.getMessages()));
    // strict fails on warnings already; INFO lines (the icon) are all that may remain
    assertTrue(
        lint.getMessages().stream().allMatch(m -> m.startsWith("[INFO]")),
        lint.getMessages()::toString);
  }

  @Test
  void defaultsAreOneServerOnH2WithItsClaim() {
    RenderedChart chart = RenderedChart.render();
    assertEquals(
        List.of("DaemonSet", "Deployment", "NetworkPolicy", "PersistentVolumeClaim", "Service"),
        chart.kinds().stream().sorted().toList());

    Deployment server = chart.get(Deployment.class);
    assertEquals("fleet-fabricscope-server", server.getMetadata().getName());
    assertEquals(1, server.getSpec().getReplicas());
    // two pods never hold the H2 file at once, not even during an upgrade
    assertEquals("Recreate", server.getSpec().getStrategy().getType());
    PodSpec pod = server.getSpec().getTemplate().getSpec();
    Container c = only(pod);
    // no URL: the server opens its H2 file database under fabricscope.data-dir
    assertFalse(env(c).containsKey("FABRICSCOPE_DB_URL"));
    assertEquals("/var/lib/fabricscope", env(c, "FABRICSCOPE_DATA_DIR").getValue());
    PersistentVolumeClaim claim = chart.get(PersistentVolumeClaim.class);
    assertEquals(
        claim.getMetadata().getName(),
        volumeAt(pod, "/var/lib/fabricscope").getPersistentVolumeClaim().getClaimName());
    assertEquals("10Gi", claim.getSpec().getResources().getRequests().get("storage").toString());
    assertEquals("keep", claim.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
    // the bootstrap admin token is generated and logged when no Secret names one
    assertFalse(env(c).containsKey("FABRICSCOPE_ADMIN_TOKEN"));
  }

  @Test
  void serverRunsHardenedWithHealthProbes() {
    Deployment server = RenderedChart.render().get(Deployment.class);
    PodSpec pod = server.getSpec().getTemplate().getSpec();
    Container c = only(pod);
    assertEquals("/q/health/live", path(c.getLivenessProbe()));
    assertEquals("/q/health/ready", path(c.getReadinessProbe()));
    assertEquals("/q/health/started", path(c.getStartupProbe()));
    // 300 s of start-up at one probe every 10 s
    assertEquals(30, c.getStartupProbe().getFailureThreshold());
    assertEquals("http", c.getLivenessProbe().getHttpGet().getPort().getStrVal());
    assertEquals(8080, c.getPorts().get(0).getContainerPort());
    assertEquals("http", c.getPorts().get(0).getName());

    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertEquals(65532L, pod.getSecurityContext().getRunAsUser());
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertFalse(pod.getAutomountServiceAccountToken());
    // the writable places on a read-only root: /tmp (java.io.tmpdir) and the data dir
    assertEquals("2Gi", volumeAt(pod, "/tmp").getEmptyDir().getSizeLimit().toString());
    assertTrue(env(c, "JAVA_TOOL_OPTIONS").getValue().startsWith("-Djava.io.tmpdir=/tmp "));
    // archive imports unpack there too, not on /dev/shm, which the server would pick unset
    assertEquals("/tmp", env(c, "FABRICSCOPE_TMPDIR").getValue());
    // application.properties binds to 127.0.0.1, which a Service cannot reach
    assertEquals("0.0.0.0", env(c, "QUARKUS_HTTP_HOST").getValue());
  }

  @Test
  void serviceSelectsTheServerPodsByItsNamedPort() {
    RenderedChart chart = RenderedChart.render();
    Service svc = chart.get(Service.class);
    Deployment server = chart.get(Deployment.class);
    Map<String, String> podLabels = server.getSpec().getTemplate().getMetadata().getLabels();
    assertTrue(selects(svc.getSpec().getSelector(), podLabels));
    assertTrue(selects(server.getSpec().getSelector().getMatchLabels(), podLabels));
    assertEquals("http", svc.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    assertEquals(8080, svc.getSpec().getPorts().get(0).getPort());
  }

  /**
   * Each key of server.config reaches the server under its own name: SmallRye Config's own
   * environment source, given the rendered variables, answers every setting with its value.
   */
  @Test
  void settingsMapOneToOneOntoTheServersConfiguration() {
    Deployment server =
        RenderedChart.render(CI.resolve("postgresql-values.yaml")).get(Deployment.class);
    Map<String, String> vars =
        only(server.getSpec().getTemplate().getSpec()).getEnv().stream()
            .filter(v -> v.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    EnvConfigSource environment = new EnvConfigSource(vars, 300);
    // the values of ci/postgresql-values.yaml, as written there
    Map<String, String> expected =
        Map.of(
            "fabricscope.demo.seed", "false",
            "fabricscope.auth.anonymous-read", "true",
            "fabricscope.bandwidth.efficiency.gpu-copy", "0.88",
            "fabricscope.p2p.cache-bytes", "67108864",
            "fabricscope.findings.missed-intervals", "4",
            "fabricscope.bandwidth.poll-wait", "20s",
            "fabricscope.db.pool-size", "16",
            "fabricscope.db.url", "jdbc:postgresql://db.fleet.svc:5432/fabricscope",
            "fabricscope.db.user", "fabricscope",
            "fabricscope.data-dir", "/var/lib/fabricscope");
    expected.forEach((name, value) -> assertEquals(value, environment.getValue(name), name));
    assertNull(environment.getValue("fabricscope.admin-token"));
  }

  /**
   * The default /tmp holds what the default number of concurrent imports may write there at once,
   * each a staged upload and an unpacked archive at their limits, with a quarter of it to spare
   * (security review 9, finding 3: two imports of 1.3 GB each passed a 2 GiB emptyDir).
   */
  @Test
  void theDefaultTmpHoldsTheConcurrentImports() {
    PodSpec pod = RenderedChart.render().get(Deployment.class).getSpec().getTemplate().getSpec();
    long tmp =
        Quantity.getAmountInBytes(volumeAt(pod, "/tmp").getEmptyDir().getSizeLimit()).longValue();
    int concurrent = Integer.parseInt(ConfigKeys.withDefaults().get("imports.concurrent"));
    long perImport = ArchiveExtractor.Limits.DEFAULT.maxSpaceBytes() + Importers.MAX_BYTES;
    long needed = concurrent * perImport;
    assertTrue(
        needed <= tmp * 3 / 4,
        concurrent + " imports x " + perImport + " bytes = " + needed + " of a /tmp of " + tmp);
  }

  private static String path(Probe p) {
    return p.getHttpGet().getPath();
  }
}
