package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.importer.Importers;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonTrees} reads the trees {@code ObjectMapper.readTree} reads: the report schema, the
 * report JSON of every imported fixture, and values of every JSON type.
 */
class JsonTreesTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = new JsonFactory();

  @Test
  void theReportSchemaReadsAsObjectMapperReadsIt() throws Exception {
    JsonNode expected;
    try (InputStream in = ReportJson.class.getResourceAsStream("report-schema-v1.json")) {
      expected = MAPPER.readTree(in);
    }
    try (InputStream in = ReportJson.class.getResourceAsStream("report-schema-v1.json");
        JsonParser p = FACTORY.createParser(in)) {
      assertEquals(expected, JsonTrees.read(p));
    }
  }

  @Test
  void everyFixtureReportReadsAsObjectMapperReadsIt() throws Exception {
    for (Path f : ImportedFixtures.files()) {
      byte[] json = ReportWriter.bytes(Importers.load(f));
      assertEquals(MAPPER.readTree(json), tree(new String(json, "UTF-8")), f.toString());
    }
  }

  @Test
  void valuesOfEveryTypeReadAsObjectMapperReadsThem() throws Exception {
    for (String json :
        List.of(
            "{}",
            "[]",
            "\"a\\u0000\\\"b\"",
            "0",
            "-7",
            "2147483648",
            "9223372036854775808",
            "1.5e300",
            "-0.0",
            "true",
            "false",
            "null",
            "{\"a\":[1,{\"b\":null}],\"a\":2}",
            "[[[]],{\"x\":{\"y\":[true,false,null,\"\"]}}]")) {
      assertEquals(MAPPER.readTree(json), tree(json), json);
    }
    assertNull(tree(""));
  }

  private static JsonNode tree(String json) throws Exception {
    try (JsonParser p = FACTORY.createParser(json)) {
      return JsonTrees.read(p);
    }
  }
}
