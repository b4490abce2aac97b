package dev.fabricscope.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.TopologyCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one validation path for every report, whatever door it comes through: an agent's {@code POST
 * /api/v1/reports}, an import ({@code POST /api/v1/imports}), the CLI's {@code --input}, or a
 * report an importer built from hwloc XML, NCCL XML, lspci text or a gathered archive. Three steps,
 * in order: JSON within bounds (nesting depth {@value #MAX_DEPTH}, strings of at most {@value
 * #MAX_STRING} characters, numbers of at most 64 digits), the report JSON Schema (version 1, {@code
 * docs/report-schema.md}) checked in one pass over the tokens, and {@link TopologyCheck}'s semantic
 * checks (unique BDFs, parents that exist, no cycles, bounded counts). Thread-safe; compile once.
 */
public final class ReportValidator {

  /** Deeper nesting than any report has (8 levels) by far; 10^5-deep bodies stop here. */
  public static final int MAX_DEPTH = 64;

  /** Longest string value: a kernel command line is at most 4 KiB, a CPU list far less. */
  public static final int MAX_STRING = 64 * 1024;

  /** Which step refused a report: callers map them to 400 (syntax) or 422 (the others). */
  public enum Step {
    SYNTAX,
    SCHEMA,
    SEMANTICS
  }

  /** A refused report; the message is for a person and names the first problems found. */
  public static final class InvalidReport extends Exception {
    private final Step step;

    public InvalidReport(Step step, String message) {
      super(message, null, false, false);
      this.step = step;
    }

    public Step step() {
      return step;
    }
  }

  private static final ReportValidator INSTANCE = new ReportValidator();

  /** JSON within the bounds above; a streaming factory, cheap to set up in a fresh JVM. */
  private final JsonFactory bounded;

  private final CompiledSchema schema;
  private final JsonNode schemaDoc;

  private ReportValidator() {
    this.bounded =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING)
                    .maxNumberLength(64)
                    .build())
            .build();
    try (InputStream in = ReportJson.class.getResourceAsStream("report-schema-v1.json");
        JsonParser p = bounded.createParser(in)) {
      // read as a tree without an ObjectMapper: setting one up costs a cold command line ~50 ms
      this.schemaDoc = JsonTrees.read(p);
      this.schema = CompiledSchema.compile(schemaDoc);
    } catch (IOException e) {
      throw new UncheckedIOException("report schema missing from the build", e);
    }
  }

  /** The bounded mapper, made on first use: the command line's checks never need it. */
  private static final class Strict {
    static final ObjectMapper MAPPER = JsonMapper.builder(INSTANCE.bounded).build();
  }

  /** The validator (the schema is compiled once per process). */
  public static ReportValidator get() {
    return INSTANCE;
  }

  /** The report JSON Schema document, for callers that explain a refusal in more detail. */
  public JsonNode schemaDocument() {
    return schemaDoc.deepCopy();
  }

  /** A JSON mapper with this validator's bounds on depth, strings and numbers. */
  public ObjectMapper boundedMapper() {
    return Strict.MAPPER;
  }

  /**
   * Parses and validates report JSON; never returns an invalid report. The schema is checked token
   * by token as {@link ReportReader} reads them ({@link SchemaCheckingParser}): one pass over the
   * bytes, and a hostile body is refused at its first bad token, before the reader sees it.
   */
  public Report parse(byte[] json) throws InvalidReport {
    if (json.length == 0) {
      throw new InvalidReport(Step.SYNTAX, "the document is empty: a report is a JSON object");
    }
    Report report;
    // an import's deadline is checked at each chunk the parser takes; the agents' reports, read
    // without one, keep the byte-array parser
    try (SchemaCheckingParser p =
        schema.checking(
            ParseDeadline.active()
                ? bounded.createParser(ParseDeadline.guard(new ByteArrayInputStream(json)))
                : bounded.createParser(json))) {
      if (p.nextToken() == null) {
        throw new CompiledSchema.Violation("", "no JSON value");
      }
      report = ReportReader.read(p);
      while (!p.valueComplete() && p.nextToken() != null) {
        // the reader stopped early: the rest of the value is still checked
      }
      if (p.nextToken() != null) {
        throw new InvalidReport(Step.SYNTAX, "the document holds more than one JSON value");
      }
    } catch (IOException e) {
      throw refusal(json, e);
    }
    checkSemantics(report);
    return report;
  }

  /**
   * Why a body that failed in {@link #parse} is refused: the schema violation or broken syntax that
   * stopped it, else the reader's own problem with schema-valid JSON ({@link JsonIn.Unreadable}),
   * after a check of the whole body, so that a violation further on is named as the check alone
   * names it.
   */
  private InvalidReport refusal(byte[] json, IOException e) {
    if (e instanceof CompiledSchema.Violation v) {
      return new InvalidReport(Step.SCHEMA, schemaProblem(json, v));
    }
    if (e instanceof JsonProcessingException j) {
      return syntax(j);
    }
    try {
      checkJson(json);
    } catch (InvalidReport r) {
      return r;
    }
    return new InvalidReport(
        Step.SCHEMA, "the report cannot be read: " + firstLine(e.getMessage()));
  }

  private static InvalidReport syntax(JsonProcessingException e) {
    String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
    return new InvalidReport(
        Step.SYNTAX, "broken JSON" + where + ": " + firstLine(e.getOriginalMessage()));
  }

  /**
   * Validates a report built in memory (by an importer or discovery) as if it had arrived as JSON:
   * written as the agent writes it ({@link ReportWriter}, the same bytes as {@link ReportJson}),
   * that JSON checked against the bounds and the schema, then the report's topology ({@link
   * TopologyCheck}). Returns {@code report} itself: the JSON written from any report reads back to
   * an equal one ({@code ReportRoundTripTest} over every fixture), so reading it back would cost a
   * cold command line the deserializers of some 40 record types (about 70 ms of {@code topo}) and
   * change nothing.
   */
  public Report check(Report report) throws InvalidReport {
    byte[] json = ReportWriter.bytes(report);
    checkJson(json);
    checkSemantics(report);
    return report;
  }

  /**
   * Bounds and schema over the token stream of {@code json}: one JSON value, a valid report.
   * Package-private: the tests hold {@link #parse} to this check followed by a plain reader.
   */
  void checkJson(byte[] json) throws InvalidReport {
    try (JsonParser p = bounded.createParser(json)) {
      schema.validate(p);
      if (p.nextToken() != null) {
        throw new InvalidReport(Step.SYNTAX, "the document holds more than one JSON value");
      }
    } catch (CompiledSchema.Violation v) {
      throw new InvalidReport(Step.SCHEMA, schemaProblem(json, v));
    } catch (JsonProcessingException e) {
      throw syntax(e);
    } catch (IOException e) {
      throw new InvalidReport(Step.SYNTAX, "cannot be read: " + firstLine(e.getMessage()));
    }
  }

  /** The schema violation in words; an unknown schema version is named as such. */
  private String schemaProblem(byte[] json, CompiledSchema.Violation v) {
    try {
      JsonNode tree = Strict.MAPPER.readTree(json);
      JsonNode version = tree == null ? null : tree.get("schemaVersion");
      if (tree == null || !tree.isObject()) {
        return "JSON that is not an object is not a fabricscope report";
      }
      if (version == null) {
        return "JSON without schemaVersion is not a fabricscope report";
      }
      if (!version.isInt() || version.intValue() != Report.SCHEMA_VERSION) {
        return "report schemaVersion "
            + firstLine(version.toString())
            + " is not supported; this fabricscope reads version "
            + Report.SCHEMA_VERSION;
      }
    } catch (IOException e) {
      // the stream check passed the syntax, so this cannot happen; the violation says enough
    }
    return "the report does not match the report schema: " + v.getMessage();
  }

  /** {@link TopologyCheck}'s problems as a refusal. */
  public static void checkSemantics(Report report) throws InvalidReport {
    List<String> problems = TopologyCheck.problems(report);
    if (!problems.isEmpty()) {
      throw new InvalidReport(
          Step.SEMANTICS,
          "the report's topology is inconsistent: "
              + problems.stream().limit(5).collect(Collectors.joining("; ")));
    }
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
