package dev.fabricscope.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many bad value sets, generated from values.yaml itself: every value of the defaults, one at a
 * time, replaced by one of a type no value of the chart accepts in its place (a list for a scalar,
 * a string for a map or a list). Helm must refuse each and name that value's JSON pointer, so a
 * value added to values.yaml without a type in values.schema.json fails here.
 */
class HelmBadValuesTest {

  @TempDir Path dir;

  @Test
  void everyValueOfTheWrongTypeIsRefusedByName() throws IOException {
    JsonNode defaults =
        HelmSchemaTest.YAML.readTree(RenderedChart.CHART.resolve("values.yaml").toFile());
    List<String> pointers = new ArrayList<>();
    leaves(defaults, "", pointers);
    assertTrue(pointers.size() > 60, "values found: " + pointers.size());

    List<String> accepted = new ArrayList<>();
    for (String pointer : pointers) {
      JsonNode original = defaults.at(pointer);
      ObjectNode bad = defaults.deepCopy();
      ObjectNode parent = (ObjectNode) bad.at(pointer.substring(0, pointer.lastIndexOf('/')));
      String name = unescape(pointer.substring(pointer.lastIndexOf('/') + 1));
      parent.set(name, wrongType(original));
      Path file = dir.resolve("bad.yaml");
      HelmSchemaTest.YAML.writeValue(file.toFile(), bad);
      try {
        RenderedChart.template(file).call();
        accepted.add(pointer + " = " + parent.get(name));
      } catch (IllegalStateException e) {
        // the message names the value (keys with dots stay as they are in the pointer)
        if (!e.getMessage().contains("at '" + pointer + "'")) {
          accepted.add(pointer + " refused for another reason: " + e.getMessage());
        }
      }
    }
    assertTrue(accepted.isEmpty(), () -> "not refused by name:\n" + String.join("\n", accepted));
  }

  /** Scalars and empty containers of values.yaml, as JSON pointers; maps with content recurse. */
  private static void leaves(JsonNode node, String pointer, List<String> out) {
    if (node.isObject() && !node.isEmpty()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        leaves(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), out);
      }
    } else if (!pointer.isEmpty()) {
      out.add(pointer);
    }
  }

  private static JsonNode wrongType(JsonNode original) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (original.isContainerNode()) {
      return f.textNode("not-a-" + (original.isArray() ? "list" : "map"));
    }
    ArrayNode list = f.arrayNode();
    list.add(original);
    return list;
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }
}
