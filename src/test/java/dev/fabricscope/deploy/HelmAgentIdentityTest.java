package dev.fabricscope.deploy;

import static dev.fabricscope.deploy.PodParts.env;
import static dev.fabricscope.deploy.PodParts.mountAt;
import static dev.fabricscope.deploy.PodParts.only;
import static dev.fabricscope.deploy.PodParts.volumeAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.junit.jupiter.api.Test;

/**
 * {@code agent.identity=kubernetes}: each agent pod reads a token bound to itself, for the server's
 * audience, instead of the Secret that holds every node's agent token; the server may review tokens
 * (a ClusterRole of that one verb) and knows the agents' service account. The default stays the
 * token Secret, with no service account or binding.
 */
class HelmAgentIdentityTest {

  static final java.nio.file.Path VALUES =
      HelmChartTest.CI.resolve("kubernetes-identity-values.yaml");

  @Test
  void agentsReadAPodBoundTokenAndNoSecret() {
    RenderedChart chart = RenderedChart.render(VALUES);
    PodSpec pod = chart.get(DaemonSet.class).getSpec().getTemplate().getSpec();
    Container c = only(pod);
    assertEquals("fleet-fabricscope-agent", pod.getServiceAccountName());
    assertFalse(pod.getAutomountServiceAccountToken(), "no API token of its own");
    int i = c.getArgs().indexOf("--token-file");
    assertEquals("/var/run/secrets/fabricscope/token", c.getArgs().get(i + 1));
    assertTrue(mountAt(c, "/var/run/secrets/fabricscope").getReadOnly());
    var projected = volumeAt(pod, "/var/run/secrets/fabricscope").getProjected();
    ServiceAccountTokenProjection token = projected.getSources().get(0).getServiceAccountToken();
    assertEquals("fabricscope.example.com", token.getAudience());
    assertEquals("token", token.getPath());
    assertEquals(3600L, token.getExpirationSeconds());
    assertEquals(0440, projected.getDefaultMode());
    assertTrue(
        pod.getVolumes().stream().noneMatch(v -> v.getSecret() != null),
        "the Secret of every node's token is not mounted");
  }

  @Test
  void theServerReviewsTheAgentsTokens() {
    RenderedChart chart = RenderedChart.render(VALUES);
    PodSpec pod = chart.get(Deployment.class).getSpec().getTemplate().getSpec();
    Container c = only(pod);
    assertEquals("fleet-fabricscope-server", pod.getServiceAccountName());
    assertTrue(pod.getAutomountServiceAccountToken(), "its token and the cluster CA");
    assertEquals(
        "fabric/fleet-fabricscope-agent",
        env(c, "FABRICSCOPE_KUBERNETES_AGENT_SERVICE_ACCOUNT").getValue());
    assertEquals("fabricscope.example.com", env(c, "FABRICSCOPE_KUBERNETES_AUDIENCE").getValue());
    ClusterRoleBinding b = chart.get(ClusterRoleBinding.class);
    ClusterRole role = chart.get(ClusterRole.class);
    assertEquals(role.getMetadata().getName(), b.getRoleRef().getName());
    assertEquals("ClusterRole", b.getRoleRef().getKind());
    // creating token reviews, nothing else
    assertEquals(1, role.getRules().size());
    PolicyRule rule = role.getRules().get(0);
    assertEquals(java.util.List.of("authentication.k8s.io"), rule.getApiGroups());
    assertEquals(java.util.List.of("tokenreviews"), rule.getResources());
    assertEquals(java.util.List.of("create"), rule.getVerbs());
    assertNull(rule.getResourceNames().isEmpty() ? null : rule.getResourceNames());
    assertEquals(1, b.getSubjects().size());
    assertEquals("fleet-fabricscope-server", b.getSubjects().get(0).getName());
    assertEquals("fabric", b.getSubjects().get(0).getNamespace());
    var accounts = chart.all(ServiceAccount.class).stream().map(a -> a.getMetadata().getName());
    assertEquals(
        java.util.List.of("fleet-fabricscope-agent", "fleet-fabricscope-server"),
        accounts.sorted().toList());
    assertTrue(
        chart.all(ServiceAccount.class).stream()
            .noneMatch(ServiceAccount::getAutomountServiceAccountToken));
  }

  @Test
  void theDefaultKeepsTheTokenSecretAndNoApiAccess() {
    RenderedChart chart = RenderedChart.render();
    assertTrue(chart.all(ClusterRoleBinding.class).isEmpty());
    assertTrue(chart.all(ClusterRole.class).isEmpty());
    assertTrue(chart.all(ServiceAccount.class).isEmpty());
    PodSpec server = chart.get(Deployment.class).getSpec().getTemplate().getSpec();
    assertFalse(server.getAutomountServiceAccountToken());
    assertNull(server.getServiceAccountName());
    assertTrue(
        only(server).getEnv().stream()
            .noneMatch(e -> e.getName().startsWith("FABRICSCOPE_KUBERNETES_")));
  }
}
