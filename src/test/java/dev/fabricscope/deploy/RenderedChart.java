package dev.fabricscope.deploy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chart {@code helm/fabricscope} rendered by the real Helm library (helm-java: Helm's Go code
 * through JNA, as {@code helm template} does) and read into fabric8's Kubernetes model types, each
 * checked for fields its type does not know ({@link UnknownFields}).
 *
 * @param objects every rendered object, in Helm's order
 * @param yaml Helm's output as it came
 */
record RenderedChart(List<HasMetadata> objects, String yaml) {

  /** The chart in this checkout (tests run in the server's folder, the repository root). */
  static final Path CHART = Path.of("helm", "fabricscope");

  static final String RELEASE = "fleet";
  static final String NAMESPACE = "fabric";

  /** The model type of each kind the chart may render, by {@code apiVersion/kind}. */
  private static final Map<String, Class<? extends HasMetadata>> TYPES =
      Map.ofEntries(
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("apps/v1/DaemonSet", DaemonSet.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
          Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
          Map.entry("v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class),
          Map.entry(
              "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
              io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class),
          Map.entry(
              "rbac.authorization.k8s.io/v1/ClusterRole",
              io.fabric8.kubernetes.api.model.rbac.ClusterRole.class));

  /** Refuses a key given twice in one mapping, which the API server would refuse too. */
  private static final YAMLFactory FACTORY =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final ObjectMapper YAML = new ObjectMapper(FACTORY);

  /** Renders with the chart's defaults plus these values files (later ones win). */
  static RenderedChart render(Path... valuesFiles) {
    return parse(template(valuesFiles).call());
  }

  /** A {@code helm template} of this chart, release {@value #RELEASE} in {@value #NAMESPACE}. */
  static TemplateCommand template(Path... valuesFiles) {
    TemplateCommand t = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
    for (Path f : valuesFiles) {
      t = t.withValuesFile(f);
    }
    return t;
  }

  /** Helm's multi-document output read object by object into the model types. */
  static RenderedChart parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    try (YAMLParser parser = FACTORY.createParser(yaml)) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue; // an empty document: a template whose condition was off
        }
        objects.add(read((ObjectNode) doc));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RenderedChart(List.copyOf(objects), yaml);
  }

  private static HasMetadata read(ObjectNode doc) throws IOException {
    String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
    Class<? extends HasMetadata> type = TYPES.get(key);
    if (type == null) {
      throw new AssertionError("no model type for " + key + " (add it to RenderedChart.TYPES)");
    }
    HasMetadata object = YAML.treeToValue(doc, type);
    List<String> unknown = UnknownFields.find(object);
    if (!unknown.isEmpty()) {
      throw new AssertionError(
          key + " " + object.getMetadata().getName() + " has fields its type lacks: " + unknown);
    }
    return object;
  }

  /** The one object of this type, if rendered. */
  <T extends HasMetadata> Optional<T> find(Class<T> type) {
    List<T> found = all(type);
    if (found.size() > 1) {
      throw new AssertionError(found.size() + " objects of " + type.getSimpleName());
    }
    return found.stream().findFirst();
  }

  /** The one object of this type; fails when absent. */
  <T extends HasMetadata> T get(Class<T> type) {
    return find(type).orElseThrow(() -> new AssertionError("no " + type.getSimpleName()));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The kinds rendered, in order. */
  List<String> kinds() {
    return objects.stream().map(HasMetadata::getKind).toList();
  }
}
