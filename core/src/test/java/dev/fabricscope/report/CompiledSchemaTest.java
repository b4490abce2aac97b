package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.fabricscope.testing.BadReports;
import dev.fabricscope.topology.SyntheticHosts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one-pass validator must decide exactly as the general JSON Schema validator (networknt, the
 * oracle) does: on real reports, on the bad-input corpus and on thousands of seeded mutations of
 * valid reports (wrong types, missing and unknown properties, bad patterns, lengths, enums,
 * minimums, fractions).
 */
class CompiledSchemaTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static JsonNode schemaDoc;
  static JsonSchema oracle;
  static CompiledSchema compiled;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = ReportJson.class.getResourceAsStream("report-schema-v1.json")) {
      schemaDoc = JSON.readTree(in);
    }
    oracle = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaDoc);
    compiled = CompiledSchema.compile(schemaDoc);
  }

  static boolean oracleAccepts(JsonNode doc) {
    return oracle.validate(doc).isEmpty();
  }

  static boolean compiledAccepts(String json) throws IOException {
    try (var p = JSON.createParser(json)) {
      compiled.validate(p);
      return true;
    } catch (CompiledSchema.Violation v) {
      return false;
    }
  }

  static List<JsonNode> validReports() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    // the server's sample report (core's tests run in the server's build, at the root)
    Path sample = Path.of("src/test/resources/valid-report.json");
    out.add(JSON.readTree(Files.readString(sample)));
    out.add(JSON.readTree(ReportJson.write(SyntheticHosts.nestedSwitches("synthetic", 24))));
    return out;
  }

  @Test
  void acceptsWhatTheOracleAccepts() throws IOException {
    for (JsonNode r : validReports()) {
      assertTrue(oracleAccepts(r));
      assertTrue(compiledAccepts(r.toString()));
    }
  }

  @Test
  void decidesTheBadCorpusAsTheOracleDoes() throws IOException {
    int compared = 0;
    for (Path f : BadReports.corpusFiles()) {
      String text = Files.readString(f);
      JsonNode doc;
      try {
        doc = JSON.readTree(text);
      } catch (IOException notJson) {
        continue; // syntax errors are the parser's, before any schema
      }
      if (doc == null) {
        continue;
      }
      assertEquals(oracleAccepts(doc), compiledAccepts(text), f.getFileName().toString());
      compared++;
    }
    assertTrue(compared >= 15, "corpus files compared: " + compared);
  }

  @Test
  void decidesSeededMutationsAsTheOracleDoes() throws IOException {
    Random random = new Random(20261124L);
    int rejected = 0;
    int total = 0;
    for (JsonNode valid : validReports()) {
      for (int i = 0; i < 1500; i++) {
        JsonNode mutant = valid.deepCopy();
        for (int m = 1 + random.nextInt(2); m > 0; m--) {
          mutate(mutant, random);
        }
        boolean expected = oracleAccepts(mutant);
        boolean actual = compiledAccepts(mutant.toString());
        if (actual != expected) {
          assertEquals(expected, actual, "oracle: " + oracle.validate(mutant) + " " + why(mutant));
        }
        rejected += expected ? 0 : 1;
        total++;
      }
    }
    // the mutations must actually break things often, or the comparison proves little
    assertTrue(rejected > total / 3, rejected + " of " + total + " mutants rejected");
    assertTrue(rejected < total, "some mutants stay valid");
  }

  @Test
  void refusesToCompileKeywordsItDoesNotCheck() {
    ObjectNode s = (ObjectNode) schemaDoc.deepCopy();
    ((ObjectNode) s.get("properties").get("pci")).put("uniqueItems", true);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> CompiledSchema.compile(s));
    assertTrue(e.getMessage().contains("uniqueItems"), e.getMessage());
  }

  @Test
  void pointsAtTheFirstViolation() throws IOException {
    ObjectNode r = (ObjectNode) validReports().get(1);
    ((ObjectNode) r.get("pci").get(2)).put("bdf", "not-a-bdf");
    try (var p = JSON.createParser(r.toString())) {
      CompiledSchema.Violation v =
          assertThrows(CompiledSchema.Violation.class, () -> compiled.validate(p));
      assertTrue(v.getMessage().startsWith("/pci/2/bdf: does not match"), v.getMessage());
    }
    assertFalse(compiledAccepts("[]"));
  }

  @Test
  void refusesRepeatedKeysThatATreeWouldQuietlyMerge() throws IOException {
    String r = validReports().get(1).toString();
    String twice = r.replaceFirst("\\{\"bdf\":", "{\"bdf\":\"0000:00:00.0\",\"bdf\":");
    try (var p = JSON.createParser(twice)) {
      CompiledSchema.Violation v =
          assertThrows(CompiledSchema.Violation.class, () -> compiled.validate(p));
      assertEquals("/pci/0/bdf: property appears twice", v.getMessage());
    }
  }

  /** Changes one randomly chosen value or object somewhere in the document. */
  static void mutate(JsonNode doc, Random random) {
    List<JsonNode> containers = new ArrayList<>();
    collect(doc, containers);
    JsonNode target = containers.get(random.nextInt(containers.size()));
    if (target instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      int op = random.nextInt(10);
      if (op == 0 || names.isEmpty()) {
        o.put("unexpected" + random.nextInt(3), 1);
      } else if (op == 1) {
        o.remove(names.get(random.nextInt(names.size())));
      } else {
        String name = names.get(random.nextInt(names.size()));
        o.set(name, replacement(o.get(name), random));
      }
    } else if (target instanceof ArrayNode a) {
      if (a.isEmpty() || random.nextInt(4) == 0) {
        a.add(replacement(a.isEmpty() ? JsonNodeFactory.instance.nullNode() : a.get(0), random));
      } else {
        int i = random.nextInt(a.size());
        a.set(i, replacement(a.get(i), random));
      }
    }
  }

  static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.forEach(child -> collect(child, out));
    }
  }

  static JsonNode replacement(JsonNode old, Random random) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (random.nextInt(16)) {
      case 0 -> f.nullNode();
      case 1 -> f.textNode("x");
      case 2 -> f.textNode("0000:00:01.0");
      case 3 -> f.textNode("pci0000:00");
      case 4 -> f.textNode("x".repeat(4097));
      case 5 -> f.textNode("gpu");
      case 6 -> f.numberNode(-1);
      case 7 -> f.numberNode(3);
      case 8 -> f.numberNode(1.0);
      case 9 -> f.numberNode(2.5);
      case 10 -> f.booleanNode(random.nextBoolean());
      case 11 -> f.objectNode();
      case 12 -> f.arrayNode();
      case 13 -> f.textNode("");
      case 14 -> old == null || !old.isContainerNode() ? f.textNode("ß".repeat(4096)) : old;
      default -> f.textNode("switch-downstream");
    };
  }

  static String why(JsonNode doc) throws IOException {
    try (var p = JSON.createParser(doc.toString())) {
      compiled.validate(p);
      return "compiled: valid";
    } catch (CompiledSchema.Violation v) {
      return "compiled: " + v.getMessage();
    }
  }
}
