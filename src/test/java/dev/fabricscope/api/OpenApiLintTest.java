package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.testing.Tool;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, OpenAPI: the served description ({@code /q/openapi}) passes Redocly's lint (the CLI
 * version pinned in package.json, from {@code ./node_modules}; its rules in redocly.yaml), and
 * keeps what a client generator needs: an operationId everywhere, the bearer scheme and the problem
 * responses on every API operation, typed bodies, no Java types in schema names.
 */
@QuarkusTest
class OpenApiLintTest {

  static final Path REDOCLY = Path.of("node_modules", ".bin", "redocly");

  /** Words of Java and framework types that must not reach a schema name. */
  static final Pattern JAVA_INTERNALS =
      Pattern.compile(
          "Uni|Multi|Response|JsonNode|ObjectNode|TemplateInstance|Atomic.*|Charset|Locale|Instant"
              + "|Optional.*|Object|.*\\..*");

  @Test
  void redoclyLintReportsNothing() throws Exception {
    String yaml =
        given()
            .accept("application/yaml")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    Path file = Path.of("target", "openapi", "openapi.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml);
    assertTrue(
        Files.isExecutable(REDOCLY),
        REDOCLY + " missing: run `npm ci` (Maven's initialize phase does, from package.json)");
    Tool.Result r =
        Tool.run(
            List.of(REDOCLY.toString(), "lint", "--config", "redocly.yaml", file.toString()),
            null,
            // no network at test time: no telemetry, no update check
            Map.of(
                "REDOCLY_TELEMETRY",
                "off",
                "REDOCLY_SUPPRESS_UPDATE_NOTICE",
                "true",
                "NO_COLOR",
                "1"),
            null,
            "npm ci (package.json pins @redocly/cli)");
    assertEquals(0, r.exitCode(), "redocly lint " + file + ":\n" + r.output());
    assertTrue(r.output().contains("Your API description is valid"), r.output());
    // its summary counts warnings ("You have 2 warnings."); the Node.js banner is no lint warning
    assertFalse(
        Pattern.compile("\\d+ warnings?\\b").matcher(r.output()).find(),
        "redocly warnings:\n" + r.output());
  }

  @Test
  void everyOperationIsNamedSecuredAndDocumentsItsProblems() throws Exception {
    JsonNode api = description();
    Set<String> ids = new HashSet<>();
    List<String> missing = new ArrayList<>();
    api.get("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fields()
                    .forEachRemaining(
                        m -> {
                          String where = m.getKey().toUpperCase() + " " + p.getKey();
                          JsonNode op = m.getValue();
                          String id = op.path("operationId").asText("");
                          if (!id.matches("[a-z][a-zA-Z0-9]+") || !ids.add(id)) {
                            missing.add(
                                where
                                    + ": operationId '"
                                    + id
                                    + "' missing, not camelCase or repeated");
                          }
                          if (!op.path("security").path(0).has("bearer")) {
                            missing.add(where + ": no bearer security requirement");
                          }
                          JsonNode responses = op.get("responses");
                          for (String status : List.of("401", "403")) {
                            if (!responses.has(status)) {
                              missing.add(where + ": no " + status);
                            }
                          }
                          responses
                              .fields()
                              .forEachRemaining(
                                  r -> {
                                    int status = Integer.parseInt(r.getKey());
                                    JsonNode body = r.getValue();
                                    if (status >= 400
                                        && !body.path("$ref")
                                            .asText()
                                            .startsWith("#/components/responses/")
                                        && !body.path("content").has(Problem.MEDIA_TYPE)) {
                                      missing.add(
                                          where + ": " + status + " is not a problem response");
                                    }
                                    if (status >= 200 && status < 300 && status != 204) {
                                      body.path("content")
                                          .forEach(
                                              c -> {
                                                if (!typed(c.path("schema"))) {
                                                  missing.add(
                                                      where + ": untyped " + status + " body " + c);
                                                }
                                              });
                                    }
                                  });
                          op.path("requestBody")
                              .path("content")
                              .forEach(
                                  c -> {
                                    if (!typed(c.path("schema"))) {
                                      missing.add(where + ": untyped request body " + c);
                                    }
                                  });
                        }));
    assertTrue(missing.isEmpty(), String.join("\n", missing));
    assertTrue(ids.size() >= 25, "operations: " + ids);
  }

  @Test
  void schemasAreNamedForTheApiAndProblemIsTheRecord() throws Exception {
    JsonNode schemas = description().path("components").path("schemas");
    schemas
        .fieldNames()
        .forEachRemaining(
            name ->
                assertFalse(
                    JAVA_INTERNALS.matcher(name).matches(), "a Java type as a schema: " + name));
    assertTrue(schemas.has("Report"), "the report schema");
    // the report's own JSON Schema, as the server validates with it
    JsonNode own;
    try (var in = getClass().getResourceAsStream(ApiDescriptionFilter.REPORT_SCHEMA)) {
      own = new ObjectMapper().readTree(in);
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) own).remove(List.of("$id", "$schema"));
    assertTrue(
        own.equals(new NumericallyEqual(), schemas.path("Report")),
        "the Report schema differs from report-schema-v1.json");
    // META-INF/openapi.yaml writes Problem by hand: it must stay the record's shape
    Set<String> written = new HashSet<>();
    schemas.path("Problem").path("properties").fieldNames().forEachRemaining(written::add);
    Set<String> record = new HashSet<>();
    Arrays.stream(Problem.class.getRecordComponents()).forEach(c -> record.add(c.getName()));
    assertEquals(record, written);
    assertTrue(
        description()
            .path("components")
            .path("securitySchemes")
            .path("bearer")
            .path("scheme")
            .asText()
            .equals("bearer"));
  }

  /** A schema that says what the body is: a reference, or a type other than a bare string. */
  static boolean typed(JsonNode schema) {
    if (schema.has("$ref") || schema.has("oneOf") || schema.has("allOf")) {
      return true;
    }
    String type = schema.path("type").asText("");
    if (type.equals("array")) {
      return typed(schema.path("items"));
    }
    // a string body is typed when it says which text (XML, lspci, an event stream, a file)
    return type.equals("object") && schema.has("properties")
        || type.equals("string") && (schema.has("description") || schema.has("format"));
  }

  static JsonNode description() throws Exception {
    String json =
        given()
            .accept("application/json")
            .get("/q/openapi?format=json")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    return new ObjectMapper().readTree(json);
  }

  /** JSON numbers compared by value: 1 and 1.0 are the same bound. */
  static final class NumericallyEqual implements java.util.Comparator<JsonNode> {
    @Override
    public int compare(JsonNode a, JsonNode b) {
      if (a.isNumber() && b.isNumber()) {
        return a.decimalValue().compareTo(b.decimalValue());
      }
      return a.equals(b) ? 0 : 1;
    }
  }
}
