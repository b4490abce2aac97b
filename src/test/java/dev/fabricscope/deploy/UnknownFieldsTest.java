package dev.fabricscope.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

/** The check every rendering goes through catches what fabric8 alone would swallow. */
class UnknownFieldsTest {

  static final String RENDERED = RenderedChart.template().call();

  @Test
  void theRenderedChartHasNone() {
    // RenderedChart.parse runs UnknownFields on every object and throws on any
    assertEquals(5, RenderedChart.parse(RENDERED).objects().size());
  }

  @Test
  void aMisspelledFieldIsFoundByItsPath() {
    String misspelled =
        RENDERED.replace("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true");
    AssertionError e = assertThrows(AssertionError.class, () -> RenderedChart.parse(misspelled));
    assertTrue(
        e.getMessage()
            .contains("spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem"),
        e.getMessage());
  }

  @Test
  void aFieldAtTheWrongLevelIsFound() {
    // hostNetwork belongs to the pod spec, not to the container
    String moved =
        RENDERED.replace(
            "          imagePullPolicy: \"IfNotPresent\"\n",
            "          imagePullPolicy: \"IfNotPresent\"\n          hostNetwork: true\n");
    AssertionError e = assertThrows(AssertionError.class, () -> RenderedChart.parse(moved));
    assertTrue(e.getMessage().contains("containers[0].hostNetwork"), e.getMessage());
  }

  @Test
  void fabric8AloneKeepsTheFieldQuietly() throws Exception {
    // why the check exists: the model type reads the misspelling without complaint
    Deployment d =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"x\","
                    + "\"securityContext\":{\"readOnlyRootFileSystem\":true}}]}}}}",
                Deployment.class);
    assertEquals(
        true,
        d.getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getSecurityContext()
            .getAdditionalProperties()
            .get("readOnlyRootFileSystem"));
    assertEquals(
        java.util.List.of(
            "spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem"),
        UnknownFields.find(d));
  }

  @Test
  void aKeyGivenTwiceIsRefused() {
    String twice = RENDERED.replace("  replicas: 1\n", "  replicas: 1\n  replicas: 2\n");
    assertThrows(RuntimeException.class, () -> RenderedChart.parse(twice));
  }
}
