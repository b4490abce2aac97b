package dev.fabricscope.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads and writes report JSON (schema version 1, {@code docs/report-schema.md}). Unknown values
 * are written as {@code null}, so every field is always present.
 */
public final class ReportJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .serializationInclusion(JsonInclude.Include.ALWAYS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private ReportJson() {}

  /** The mapper used for reports. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Compact JSON. */
  public static String write(Report report) {
    try {
      return MAPPER.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Indented JSON. */
  public static String writePretty(Report report) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a report; unknown fields are errors. */
  public static Report read(String json) throws IOException {
    return MAPPER.readValue(json, Report.class);
  }
}
