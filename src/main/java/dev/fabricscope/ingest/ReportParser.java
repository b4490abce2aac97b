package dev.fabricscope.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.fabricscope.report.ReportValidator;
import dev.fabricscope.report.ReportValidator.InvalidReport;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.HostNames;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a request body into a validated {@link Report}, or an {@link ApiException} a person can act
 * on. The checks are core's {@link ReportValidator} — the same for agent reports, imports and the
 * CLI — plus a valid host name ({@link HostNames}); this class only adds the HTTP status (400 for
 * JSON syntax, 422 for the rest) and, for a schema refusal, the general validator's explanation.
 * Thread-safe.
 */
public final class ReportParser {

  private final ReportValidator validator = ReportValidator.get();
  private final JsonSchema schema =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(validator.schemaDocument());

  /** Parses and validates; never returns an invalid report. */
  public Report parse(byte[] body) {
    if (body.length == 0) {
      throw ApiException.badRequest("the body is empty: send a report JSON document");
    }
    Report report;
    try {
      report = validator.parse(body);
    } catch (InvalidReport e) {
      throw switch (e.step()) {
        case SYNTAX -> ApiException.badRequest(e.getMessage());
        case SCHEMA -> explain(body, e);
        case SEMANTICS -> ApiException.unprocessable(e.getMessage());
      };
    }
    hostName(report);
    return report;
  }

  /**
   * Why a body failed the schema, in the words of the general JSON Schema validator: the schema
   * version, else up to five schema errors, else what the one-pass check found.
   */
  private ApiException explain(byte[] body, InvalidReport fastFailure) {
    JsonNode node;
    try (var parser = validator.boundedMapper().createParser(body)) {
      node = validator.boundedMapper().readTree(parser);
    } catch (IOException e) {
      return ApiException.unprocessable(fastFailure.getMessage());
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
      // only the one-pass check or the record reader objects: say what it found
      return ApiException.unprocessable(fastFailure.getMessage());
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

  /** The host name a report is stored under: present and valid by {@link HostNames}. */
  public static String hostName(Report report) {
    String name = report.host() == null ? null : report.host().name();
    if (name == null || name.isBlank()) {
      throw ApiException.unprocessable("host.name is missing: the inventory keys hosts by name");
    }
    HostNames.problem(name)
        .ifPresent(
            why -> {
              throw ApiException.unprocessable("host.name refused: " + why);
            });
    return name;
  }
}
