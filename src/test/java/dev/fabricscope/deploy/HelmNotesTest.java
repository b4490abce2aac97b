package dev.fabricscope.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * NOTES.txt, as {@code helm install} prints it (a client-only dry run: no cluster): how to reach
 * the UI and where the first admin token is, for each way it can be set up.
 */
class HelmNotesTest {

  @Test
  void defaultsSayPortForwardAndTheLogLine() {
    String notes = notes();
    assertTrue(
        notes.contains("kubectl -n fabric port-forward svc/fleet-fabricscope-server 8080:8080"),
        notes);
    // the line Access prints at the first start: "Bootstrap admin token (shown once, ...)"
    assertTrue(
        notes.contains(
            "kubectl -n fabric logs deploy/fleet-fabricscope-server | grep -i 'admin token'"),
        notes);
    assertTrue(notes.contains("Secret fleet-fabricscope-agent-tokens"), notes);
  }

  @Test
  void existingSecretsAndIngressAreNamed() {
    String notes =
        notes(
            HelmDatabaseTest.SECRET_VALUES,
            HelmChartTest.CI.resolve("ingress-monitoring-values.yaml"));
    assertTrue(notes.contains("https://fabricscope.example.com/"), notes);
    assertTrue(
        notes.contains(
            "kubectl -n fabric get secret fabricscope-admin -o jsonpath='{.data.token}' | base64 -d"),
        notes);
    assertTrue(notes.contains("PostgreSQL, 2 server replica(s)"), notes);
  }

  @Test
  void privilegedAgentsAreSaidToBe() {
    String notes = notes(HelmChartTest.CI.resolve("privileged-agent-values.yaml"));
    assertTrue(notes.contains("The agents run PRIVILEGED"), notes);
  }

  @Test
  void kubernetesIdentityNeedsNoAgentTokens() {
    String notes = notes(HelmAgentIdentityTest.VALUES);
    assertTrue(notes.contains("no agent tokens to make"), notes);
    assertTrue(notes.contains("may create TokenReviews and nothing else"), notes);
    assertTrue(!notes.contains("fleet-fabricscope-agent-tokens"), notes);
  }

  private static String notes(Path... values) {
    InstallCommand install =
        new Helm(RenderedChart.CHART)
            .install()
            .withName(RenderedChart.RELEASE)
            .withNamespace(RenderedChart.NAMESPACE)
            .withDryRunOption(DryRun.CLIENT)
            .clientOnly();
    for (Path v : values) {
      install = install.withValuesFile(v);
    }
    return install.call().getOutput();
  }
}
