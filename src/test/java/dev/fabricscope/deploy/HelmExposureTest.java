package dev.fabricscope.deploy;

import static dev.fabricscope.deploy.PodParts.selects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the server is reached: Ingress, the Prometheus Operator's ServiceMonitor, NetworkPolicy. */
class HelmExposureTest {

  static final RenderedChart CHART =
      RenderedChart.render(HelmChartTest.CI.resolve("ingress-monitoring-values.yaml"));

  @Test
  void ingressRoutesTheHostToTheServersService() {
    Ingress ingress = CHART.get(Ingress.class);
    assertEquals("nginx", ingress.getSpec().getIngressClassName());
    assertEquals("fabricscope.example.com", ingress.getSpec().getRules().get(0).getHost());
    assertEquals("fabricscope-tls", ingress.getSpec().getTls().get(0).getSecretName());
    assertEquals(List.of("fabricscope.example.com"), ingress.getSpec().getTls().get(0).getHosts());
    IngressBackend backend =
        ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend();
    Service svc = CHART.get(Service.class);
    assertEquals(svc.getMetadata().getName(), backend.getService().getName());
    assertEquals(
        svc.getSpec().getPorts().get(0).getName(), backend.getService().getPort().getName());
    // SSE and long polls stay open: the annotation reaches the controller as written
    assertEquals(
        "3600",
        ingress
            .getMetadata()
            .getAnnotations()
            .get("nginx.ingress.kubernetes.io/proxy-read-timeout"));
  }

  @Test
  void serviceMonitorScrapesMetricsOfTheServersService() {
    ServiceMonitor sm = CHART.get(ServiceMonitor.class);
    Endpoint endpoint = sm.getSpec().getEndpoints().get(0);
    assertEquals("/q/metrics", endpoint.getPath());
    // /q/metrics needs a viewer token: Prometheus sends the one in the named Secret
    assertEquals("Bearer", endpoint.getAuthorization().getType());
    assertEquals(
        "fabricscope-metrics-token", endpoint.getAuthorization().getCredentials().getName());
    assertEquals("token", endpoint.getAuthorization().getCredentials().getKey());
    assertEquals("http", endpoint.getPort());
    assertEquals("15s", endpoint.getInterval());
    assertEquals("kube-prometheus-stack", sm.getMetadata().getLabels().get("release"));
    Service svc = CHART.get(Service.class);
    assertTrue(selects(sm.getSpec().getSelector().getMatchLabels(), svc.getMetadata().getLabels()));
    assertEquals(List.of("fabric"), sm.getSpec().getNamespaceSelector().getMatchNames());
  }

  /** Without the token's Secret the chart refuses to render, unless metrics are open. */
  @Test
  void aServiceMonitorWithoutATokenIsRefusedUnlessMetricsAreOpen(@TempDir Path dir)
      throws Exception {
    Path noToken = dir.resolve("no-token.yaml");
    Files.writeString(
        noToken,
        "server:\n  serviceMonitor:\n    enabled: true\n    tokenSecret:\n      name: \"\"\n");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                RenderedChart.template(
                        HelmChartTest.CI.resolve("ingress-monitoring-values.yaml"), noToken)
                    .call());
    assertTrue(e.getMessage().contains("server.serviceMonitor.tokenSecret.name"), e.getMessage());
    Path open = dir.resolve("open.yaml");
    Files.writeString(
        open,
        "server:\n  config:\n    fabricscope.metrics.open: true\n  serviceMonitor:\n"
            + "    enabled: true\n    tokenSecret:\n      name: \"\"\n");
    ServiceMonitor sm =
        RenderedChart.render(HelmChartTest.CI.resolve("ingress-monitoring-values.yaml"), open)
            .get(ServiceMonitor.class);
    assertNull(sm.getSpec().getEndpoints().get(0).getAuthorization());
  }

  @Test
  void networkPolicyOpensOnly8080AndTheListedEgress() {
    NetworkPolicy np = CHART.get(NetworkPolicy.class);
    assertEquals(List.of("Ingress", "Egress"), np.getSpec().getPolicyTypes());
    assertEquals(8080, np.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal());
    assertEquals(
        "10.0.0.0/8", np.getSpec().getIngress().get(0).getFrom().get(0).getIpBlock().getCidr());
    List<Integer> egressPorts =
        np.getSpec().getEgress().stream()
            .flatMap(r -> r.getPorts().stream())
            .map(NetworkPolicyPort::getPort)
            .map(p -> p.getIntVal())
            .toList();
    assertEquals(List.of(53, 53, 5432), egressPorts);
  }

  @Test
  void defaultsHaveNoIngressNoMonitorAndNoEgressRules() {
    RenderedChart defaults = RenderedChart.render();
    assertTrue(defaults.find(Ingress.class).isEmpty());
    assertTrue(defaults.find(ServiceMonitor.class).isEmpty());
    NetworkPolicy np = defaults.get(NetworkPolicy.class);
    assertEquals(List.of("Ingress"), np.getSpec().getPolicyTypes());
    // no peers: any source, on port 8080 only (agents come from node addresses)
    assertTrue(np.getSpec().getIngress().get(0).getFrom().isEmpty());
  }
}
