package dev.fabricscope.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * The small steps {@link ReportWriter} and {@link DeviceWriter} write report JSON with: a field
 * whose value may be null (written as {@code null}, as data binding writes every field of a
 * record), a nested object, a list.
 */
final class JsonOut {

  private JsonOut() {}

  /** Writes one value of a list, or the fields of an object (between its braces). */
  @FunctionalInterface
  interface Part<T> {
    void write(JsonGenerator g, T value) throws IOException;
  }

  /** {@code "name": {…}} with {@code fields} inside the braces, or {@code null}. */
  static <T> void object(JsonGenerator g, String name, T value, Part<T> fields) throws IOException {
    g.writeFieldName(name);
    if (value == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    fields.write(g, value);
    g.writeEndObject();
  }

  /** {@code "name": […]}, each element by {@code element}, or {@code null}. */
  static <T> void list(JsonGenerator g, String name, List<T> values, Part<T> element)
      throws IOException {
    g.writeFieldName(name);
    if (values == null) {
      g.writeNull();
      return;
    }
    g.writeStartArray();
    for (T v : values) {
      if (v == null) {
        g.writeNull();
      } else {
        element.write(g, v);
      }
    }
    g.writeEndArray();
  }

  static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
    list(g, name, values, JsonGenerator::writeString);
  }

  static void field(JsonGenerator g, String name, String v) throws IOException {
    g.writeFieldName(name);
    g.writeString(v); // a null string is written as null
  }

  static void field(JsonGenerator g, String name, Integer v) throws IOException {
    g.writeFieldName(name);
    if (v == null) {
      g.writeNull();
    } else {
      g.writeNumber(v.intValue());
    }
  }

  static void field(JsonGenerator g, String name, Long v) throws IOException {
    g.writeFieldName(name);
    if (v == null) {
      g.writeNull();
    } else {
      g.writeNumber(v.longValue());
    }
  }

  static void field(JsonGenerator g, String name, Double v) throws IOException {
    g.writeFieldName(name);
    if (v == null) {
      g.writeNull();
    } else {
      g.writeNumber(v.doubleValue());
    }
  }

  static void field(JsonGenerator g, String name, Boolean v) throws IOException {
    g.writeFieldName(name);
    if (v == null) {
      g.writeNull();
    } else {
      g.writeBoolean(v);
    }
  }
}
