package dev.fabricscope.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;

/**
 * Reads report JSON ({@code docs/report-schema.md}) written by fabricscope itself: the report keeps
 * the {@code source} it was written with. Only schema version {@value Report#SCHEMA_VERSION} is
 * understood; other versions are refused rather than half-read.
 */
public final class ReportJsonImporter {

  private ReportJsonImporter() {}

  /** Parses report JSON; {@code name} names the file in messages. */
  public static Report read(String json, String name) throws ImportException {
    JsonNode tree;
    try {
      tree = ReportJson.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new ImportException(
          name
              + ": broken JSON at line "
              + e.getLocation().getLineNr()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
    if (tree == null || !tree.isObject()) {
      throw new ImportException(name + ": JSON is not an object, so not a fabricscope report");
    }
    JsonNode v = tree.get("schemaVersion");
    if (v == null) {
      throw new ImportException(name + ": JSON without schemaVersion is not a fabricscope report");
    }
    if (!v.isInt() || v.intValue() != Report.SCHEMA_VERSION) {
      throw new ImportException(
          name
              + ": report schemaVersion "
              + v
              + " is not supported; this fabricscope reads version "
              + Report.SCHEMA_VERSION);
    }
    try {
      return ReportJson.read(json);
    } catch (Exception e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new ImportException(name + ": not a valid version-1 report: " + oneLine(why), e);
    }
  }

  static String oneLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
