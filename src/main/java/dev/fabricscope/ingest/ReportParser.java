package dev.fabricscope.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.TopologyCheck;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a request body into a validated {@link Report}, or an {@link ApiException} a person can act
 * on: JSON with bounded depth and string length, then the report JSON Schema (version 1), then
 * {@link TopologyCheck}'s semantic checks and a sane host name. Thread-safe.
 */
public final class ReportParser {

  /** Deeper nesting than any report has (8 levels) by far; 10^5-deep bodies stop here. */
  static final int MAX_DEPTH = 64;

  static final int MAX_STRING = 64 * 1024;

  private final ObjectMapper strict;
  private final JsonSchema schema;
  private final CompiledSchema compiled;

  public ReportParser() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING)
                    .maxNumberLength(64)
                    .build())
            .build();
    this.strict = JsonMapper.builder(factory).build();
    try (InputStream in = ReportJson.class.getResourceAsStream("report-schema-v1.json")) {
      JsonNode schemaDoc = new ObjectMapper().readTree(in);
      this.schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaDoc);
      this.compiled = CompiledSchema.compile(schemaDoc);
    } catch (IOException e) {
      throw new IllegalStateException("report schema missing from the build", e);
    }
  }

  /**
   * Parses and validates; never returns an invalid report. A valid body is read twice as a token
   * stream — once against the {@link CompiledSchema}, once into records — without a document tree;
   * an invalid one is explained by {@link #explain}.
   */
  public Report parse(byte[] body) {
    if (body.length == 0) {
      throw ApiException.badRequest("the body is empty: send a report JSON document");
    }
    try (JsonParser p = strict.createParser(body)) {
      compiled.validate(p);
      if (p.nextToken() != null) {
        throw ApiException.badRequest("the body holds more than one JSON value");
      }
    } catch (IOException | CompiledSchema.Violation e) {
      throw explain(body, e);
    }
    Report report;
    try {
      report = ReportJson.mapper().readValue(body, Report.class);
    } catch (IOException e) {
      throw ApiException.unprocessable("the report cannot be read: " + firstLine(e.getMessage()));
    }
    checkSemantics(report);
    return report;
  }

  /**
   * Why a body failed the one-pass check, in the words of the general JSON Schema validator: the
   * first JSON syntax error, else the schema version, else up to five schema errors.
   */
  private ApiException explain(byte[] body, Exception fastFailure) {
    JsonNode node;
    try (var parser = strict.createParser(body)) {
      node = strict.readTree(parser);
      if (parser.nextToken() != null) {
        return ApiException.badRequest("the body holds more than one JSON value");
      }
    } catch (IOException e) {
      return ApiException.badRequest("the body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      return ApiException.unprocessable("a report is a JSON object");
    }
    JsonNode version = node.get("schemaVersion");
    if (version == null || !version.isInt() || version.asInt() != Report.SCHEMA_VERSION) {
      return ApiException.unprocessable(
          "unknown schemaVersion " + version + ": this server reads schema version 1");
    }
    Set<ValidationMessage> errors = schema.validate(node);
    if (errors.isEmpty()) {
      // only the one-pass check objects (it is never more lenient): say what it found
      return ApiException.unprocessable(
          "the report does not match the report schema: " + fastFailure.getMessage());
    }
    String first =
        errors.stream()
            .map(ValidationMessage::getMessage)
            .sorted()
            .limit(5)
            .collect(Collectors.joining("; "));
    return ApiException.unprocessable(
        "the report does not match the report schema (" + errors.size() + " errors): " + first);
  }

  private static void checkSemantics(Report report) {
    List<String> problems = TopologyCheck.problems(report);
    if (!problems.isEmpty()) {
      throw ApiException.unprocessable(
          "the report's topology is inconsistent: "
              + problems.stream().limit(5).collect(Collectors.joining("; ")));
    }
    hostName(report);
  }

  /** The host name a report is stored under: present, short, printable. */
  public static String hostName(Report report) {
    String name = report.host() == null ? null : report.host().name();
    if (name == null || name.isBlank()) {
      throw ApiException.unprocessable("host.name is missing: the inventory keys hosts by name");
    }
    if (name.length() > 253 || !name.matches("[A-Za-z0-9._:+@-]+")) {
      throw ApiException.unprocessable(
          "host.name must be 1-253 letters, digits or . _ : + @ - (got "
              + name.length()
              + " characters)");
    }
    return name;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
