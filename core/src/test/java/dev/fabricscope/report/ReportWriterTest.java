package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.topology.Report;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ReportWriter} writes what Jackson's data binding writes from the records, byte for byte:
 * for every report the importers build from the real fixtures, for the H200 host with NVML fields,
 * and for thousands of reports made from those by nulling fields and putting awkward strings and
 * numbers in them (escapes, control characters, surrogate pairs, extreme doubles).
 */
class ReportWriterTest {

  @Test
  void everyImportedFixtureIsWrittenAsDataBindingWritesIt() throws Exception {
    List<String> compared = new ArrayList<>();
    for (Path f : ImportedFixtures.files()) {
      Report r = Importers.load(f);
      assertSameJson(r, f.getFileName().toString());
      compared.add(f.getFileName().toString());
    }
    assertTrue(compared.size() >= 55, "only " + compared.size() + " fixtures: " + compared);
  }

  @Test
  void aGpuWithNvmlFieldsIsWrittenAsDataBindingWritesIt() throws Exception {
    assertSameJson(H200WithNvml.report(), "h200 with NVML");
  }

  @Test
  void generatedReportsAreWrittenAsDataBindingWritesThem() throws Exception {
    List<JsonNode> seeds = new ArrayList<>();
    seeds.add(ReportJson.mapper().valueToTree(H200WithNvml.report()));
    for (Path f : ImportedFixtures.files()) {
      seeds.add(ReportJson.mapper().valueToTree(Importers.load(f)));
    }
    Random rnd = new Random(20261205);
    int compared = 0;
    for (int i = 0; i < 3000; i++) {
      JsonNode tree = seeds.get(i % seeds.size()).deepCopy();
      mutate(tree, rnd, 0.02 + rnd.nextDouble() * 0.2);
      Report r;
      try {
        r = ReportJson.mapper().treeToValue(tree, Report.class);
      } catch (Exception | Error e) {
        continue; // a null list the records refuse: not a report
      }
      assertSameJson(r, "generated #" + i);
      compared++;
    }
    assertTrue(compared >= 1500, "only " + compared + " generated reports could be built");
  }

  private static void assertSameJson(Report r, String what) throws Exception {
    String expected = new String(ReportJson.mapper().writeValueAsBytes(r), StandardCharsets.UTF_8);
    String actual = new String(ReportWriter.bytes(r), StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      int at = 0;
      while (at < Math.min(expected.length(), actual.length())
          && expected.charAt(at) == actual.charAt(at)) {
        at++;
      }
      int from = Math.max(0, at - 80);
      fail(
          what
              + ": differs at character "
              + at
              + "\n data binding: "
              + expected.substring(from, Math.min(expected.length(), at + 40))
              + "\n ReportWriter: "
              + actual.substring(from, Math.min(actual.length(), at + 40)));
    }
  }

  /** Fields whose strings are enum values: replaced by null only. */
  private static final java.util.Set<String> ENUMS =
      java.util.Set.of("kind", "portType", "provider");

  /** Nulls or replaces about {@code p} of the values under {@code node}, keeping its types. */
  static void mutate(JsonNode node, Random rnd, double p) {
    if (node instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      List<String> names = new ArrayList<>();
      it.forEachRemaining(e -> names.add(e.getKey()));
      for (String name : names) {
        JsonNode v = o.get(name);
        if (!"schemaVersion".equals(name) && rnd.nextDouble() < p) {
          o.set(
              name,
              ENUMS.contains(name) ? JsonNodeFactory.instance.nullNode() : replacement(v, rnd));
        } else {
          mutate(v, rnd, p);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual() && rnd.nextDouble() < p) {
          a.set(i, replacement(a.get(i), rnd));
        } else {
          mutate(a.get(i), rnd, p);
        }
      }
    }
  }

  private static JsonNode replacement(JsonNode v, Random rnd) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v.isArray()) {
      return v; // the records hold lists, never null ones
    }
    if (rnd.nextInt(3) == 0 || v.isObject()) {
      return f.nullNode();
    }
    if (v.isTextual()) {
      return f.textNode(awkwardString(rnd));
    }
    if (v.isInt()) {
      return f.numberNode(rnd.nextBoolean() ? rnd.nextInt() : rnd.nextInt(3) - 1);
    }
    if (v.isLong()) {
      return f.numberNode(rnd.nextLong());
    }
    if (v.isDouble()) {
      double[] edges = {0.0, -0.0, 1e-7, 1e21, 123456789.123, Double.MIN_VALUE, Double.MAX_VALUE};
      return f.numberNode(
          rnd.nextBoolean() ? edges[rnd.nextInt(edges.length)] : rnd.nextGaussian() * 1e3);
    }
    if (v.isBoolean()) {
      return f.booleanNode(rnd.nextBoolean());
    }
    return v;
  }

  private static String awkwardString(Random rnd) {
    String[] parts = {
      "\"", "\\", "/", "\n", "\t", "\u0000", "\u001f", "\u007f", "\u2028", "é", "😀", "<", "&", "a"
    };
    StringBuilder sb = new StringBuilder();
    int n = rnd.nextInt(12);
    for (int i = 0; i < n; i++) {
      sb.append(parts[rnd.nextInt(parts.length)]);
    }
    return sb.toString();
  }
}
