package dev.fabricscope.importer;

import dev.fabricscope.report.ReportValidator;
import dev.fabricscope.topology.Report;

/**
 * Reads report JSON ({@code docs/report-schema.md}) written by fabricscope itself: the report keeps
 * the {@code source} it was written with. It is held to exactly the checks the server makes on an
 * agent's report ({@link ReportValidator}: bounded JSON, schema version {@value
 * Report#SCHEMA_VERSION}, semantic checks), so no door is more lenient than another.
 */
public final class ReportJsonImporter {

  private ReportJsonImporter() {}

  /** Parses report JSON; {@code name} names the file in messages. */
  public static Report read(byte[] json, String name) throws ImportException {
    try {
      return ReportValidator.get().parse(json);
    } catch (ReportValidator.InvalidReport e) {
      throw new ImportException(name + ": not a valid version-1 report: " + e.getMessage(), e);
    }
  }
}
