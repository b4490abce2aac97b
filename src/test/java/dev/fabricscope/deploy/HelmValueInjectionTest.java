package dev.fabricscope.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eighth security review: values that passed the schema wrote YAML of their own into the manifests
 * (a priority class name that added {@code hostPID: true}, a host path that mounted {@code /etc},
 * an ingress class that set a default backend). Every scalar value of the chart, in the defaults
 * and with every CI values file at once, is set in turn to a string that carries a key on a new
 * line, at each indentation from 0 to 16 spaces; the chart must either refuse it or render it as
 * one scalar: output that parses, with no key of the injected ones anywhere.
 */
class HelmValueInjectionTest {

  static final String KEY = "fabricscopeInjected";

  @TempDir Path dir;

  /** A value with a key on a new line, indented by {@code indent} spaces. */
  static String injection(String prefix, int indent) {
    return prefix + "\n" + " ".repeat(indent) + KEY + indent + ": true";
  }

  @Test
  void noStringValueAddsKeysToTheManifests() throws IOException {
    JsonNode defaults =
        HelmSchemaTest.YAML.readTree(RenderedChart.CHART.resolve("values.yaml").toFile());
    // the defaults, and every CI values file laid over them at once: each template and each of
    // its branches that a value reaches is rendered in one of the two
    ObjectNode everything = defaults.deepCopy();
    try (Stream<Path> files = Files.list(HelmChartTest.CI)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        merge(everything, HelmSchemaTest.YAML.readTree(f.toFile()));
      }
    }
    Path union = dir.resolve("everything.yaml");
    HelmSchemaTest.YAML.writeValue(union.toFile(), everything);
    RenderedChart.render(union); // renders as it is
    Map<String, ObjectNode> bases = Map.of("defaults", (ObjectNode) defaults, "ci", everything);
    List<String> injected = new ArrayList<>();
    int rendered = 0;
    for (Map.Entry<String, ObjectNode> base : bases.entrySet()) {
      ObjectNode values = base.getValue();
      List<String> pointers = new ArrayList<>();
      strings(values, "", pointers);
      for (String pointer : pointers) {
        ObjectNode bad = values.deepCopy();
        ObjectNode parent = (ObjectNode) bad.at(pointer.substring(0, pointer.lastIndexOf('/')));
        String name = pointer.substring(pointer.lastIndexOf('/') + 1);
        String where = base.getKey() + " " + pointer;
        for (int indent = 0; indent <= 16; indent += 2) {
          for (String prefix : List.of("x", "/x")) {
            parent.put(name, injection(prefix, indent));
            Path file = dir.resolve("inject.yaml");
            HelmSchemaTest.YAML.writeValue(file.toFile(), bad);
            String out;
            try {
              out = RenderedChart.template(file).call();
            } catch (IllegalStateException e) {
              if (e.getMessage().contains("schema")) {
                continue; // the schema refused it: as good as quoted
              }
              // helm could not read what it rendered: the value broke the manifests
              injected.add(where + " (indent " + indent + "): " + e.getMessage().strip());
              break;
            }
            rendered++;
            String problem = injectedKeys(out);
            if (problem != null) {
              injected.add(where + " (indent " + indent + "): " + problem);
            }
            break; // the first prefix the schema takes is enough
          }
        }
      }
    }
    assertTrue(rendered > 20, "values rendered: " + rendered);
    assertTrue(injected.isEmpty(), () -> "values that wrote YAML:\n" + String.join("\n", injected));
  }

  /** The review's own values, one at a time: each is refused by the schema, by name. */
  @Test
  void theReviewsValuesAreRefusedByName() throws IOException {
    Map<String, String> cases =
        Map.of(
            "/agent/hostSys",
            "agent:\n  hostSys: \"/sys\\n            type: Directory\\n        - name: pwn\\n"
                + "          hostPath:\\n            path: /etc\"\n",
            "/agent/priorityClassName",
            "agent:\n  priorityClassName: \"x\\n      hostPID: true\"\n",
            "/server/priorityClassName",
            "server:\n  priorityClassName: \"y\\n      hostNetwork: true\"\n",
            "/server/ingress/className",
            "server:\n  ingress:\n    enabled: true\n    host: fabricscope.example.com\n"
                + "    className: \"nginx\\n  defaultBackend:\\n    service:\\n      name: evil\"\n",
            "/server/ingress/path",
            "server:\n  ingress:\n    enabled: true\n    host: fabricscope.example.com\n"
                + "    path: \"/\\n            pathType: Prefix\"\n");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path file = dir.resolve("review.yaml");
      Files.writeString(file, c.getValue());
      IllegalStateException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalStateException.class, () -> RenderedChart.template(file).call(), c.getKey());
      assertTrue(e.getMessage().contains("at '" + c.getKey() + "'"), e.getMessage());
    }
  }

  /** Null when the output parses and holds no injected key; else what is wrong. */
  static String injectedKeys(String yaml) {
    try (com.fasterxml.jackson.core.JsonParser parser =
        HelmSchemaTest.YAML.getFactory().createParser(yaml)) {
      for (JsonNode doc : HelmSchemaTest.YAML.readValues(parser, JsonNode.class).readAll()) {
        String key = findKey(doc);
        if (key != null) {
          return "key " + key;
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "output does not parse: " + e.getMessage().lines().findFirst().orElse("");
    }
  }

  private static String findKey(JsonNode node) {
    if (node == null) {
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith(KEY)) {
        return e.getKey();
      }
      String below = findKey(e.getValue());
      if (below != null) {
        return below;
      }
    }
    for (JsonNode item : node.isArray() ? node : List.<JsonNode>of()) {
      String below = findKey(item);
      if (below != null) {
        return below;
      }
    }
    return null;
  }

  /**
   * The scalar leaves of {@code node} as JSON pointers (maps recurse; lists are left alone):
   * strings, and numbers and booleans too, whose schema may also take a string (an int-or-string).
   */
  private static void strings(JsonNode node, String pointer, List<String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getKey().contains("/") && !e.getKey().contains("~")) {
          strings(e.getValue(), pointer + "/" + e.getKey(), out);
        }
      }
    } else if (node.isValueNode() && !node.isNull()) {
      out.add(pointer);
    }
  }

  /** {@code extra} laid over {@code into}, maps merged key by key. */
  private static void merge(ObjectNode into, JsonNode extra) {
    for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode mine = into.get(e.getKey());
      if (mine instanceof ObjectNode m && e.getValue().isObject()) {
        merge(m, e.getValue());
      } else {
        into.set(e.getKey(), e.getValue());
      }
    }
  }
}
