package dev.fabricscope.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lookups in a rendered pod template, each failing with the name it did not find. */
final class PodParts {

  private PodParts() {}

  static Container only(PodSpec pod) {
    List<Container> containers = pod.getContainers();
    if (containers.size() != 1) {
      throw new AssertionError(containers.size() + " containers, expected 1");
    }
    return containers.get(0);
  }

  /** The container's variables by name; fails on a name given twice. */
  static Map<String, EnvVar> env(Container c) {
    Map<String, EnvVar> byName = new LinkedHashMap<>();
    for (EnvVar v : c.getEnv()) {
      if (byName.put(v.getName(), v) != null) {
        throw new AssertionError("environment variable " + v.getName() + " given twice");
      }
    }
    return byName;
  }

  static EnvVar env(Container c, String name) {
    EnvVar v = env(c).get(name);
    if (v == null) {
      throw new AssertionError("no environment variable " + name + " in " + env(c).keySet());
    }
    return v;
  }

  static VolumeMount mountAt(Container c, String path) {
    return c.getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  /** The volume mounted at this path. */
  static Volume volumeAt(PodSpec pod, String path) {
    return volume(pod, mountAt(only(pod), path).getName());
  }

  /** Whether every label of the selector is on the pod template (what the API server requires). */
  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }
}
