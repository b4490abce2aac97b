package dev.fabricscope.report;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The small steps {@link ReportReader} and {@link DeviceReader} read report JSON with, each on the
 * parser's current token (a value): what Jackson's data binding makes of the same token for the
 * same Java type — {@code null} for a JSON null (0 or false for a primitive), a float token with an
 * integer value for an integer, an integer token for a double. The tokens have passed the schema
 * check already ({@link SchemaCheckingParser}), so anything else is a report the reader cannot
 * represent: a {@link Unreadable}, as data binding would have refused it.
 */
final class JsonIn {

  /** A schema-valid report that the records cannot hold (a number out of range, a bad shape). */
  static final class Unreadable extends IOException {
    Unreadable(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // a refusal of input, not a fault
    }
  }

  /** Reads one value at the current token. */
  @FunctionalInterface
  interface Part<T> {
    T read(JsonIn in) throws IOException;
  }

  final SchemaCheckingParser p;

  JsonIn(SchemaCheckingParser p) {
    this.p = p;
  }

  /** The next field's name, with the parser moved onto its value; null at the object's end. */
  String field() throws IOException {
    if (p.nextToken() != JsonToken.FIELD_NAME) {
      return null;
    }
    String name = p.currentName();
    p.nextToken();
    return name;
  }

  Unreadable unknown(String field) {
    return new Unreadable("unrecognized field \"" + field + "\" at " + where());
  }

  String text() throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t.isScalarValue()) {
      return p.getText();
    }
    throw new Unreadable("expected a text value at " + where() + ", not " + t);
  }

  Integer integer() throws IOException {
    return p.currentToken() == JsonToken.VALUE_NULL ? null : intValue();
  }

  /** A primitive int: JSON null reads as 0. */
  int intValue() throws IOException {
    return number() == null ? 0 : (int) whole(Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
  }

  Long longValue() throws IOException {
    return number() == null ? null : whole(Long.MIN_VALUE, Long.MAX_VALUE, "long");
  }

  /**
   * The current number token as a whole number in [{@code min}, {@code max}], as data binding reads
   * it: a float token through its double (a check may have read it exactly already).
   */
  private long whole(long min, long max, String type) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      if (d < (double) min || d > (double) max) {
        throw outOfRange(type);
      }
      return (long) d;
    }
    try {
      long v = p.getLongValue();
      if (v < min || v > max) {
        throw outOfRange(type);
      }
      return v;
    } catch (InputCoercionException e) {
      throw outOfRange(type);
    }
  }

  private Unreadable outOfRange(String type) {
    return new Unreadable("a number out of range of " + type + " at " + where());
  }

  /**
   * Enum constants by the JSON name they are written as ({@code @JsonValue}), for {@link #named}.
   */
  static <E> Map<String, E> byJsonName(E[] values, Function<E, String> json) {
    Map<String, E> byName = new HashMap<>();
    for (E e : values) {
      byName.put(json.apply(e), e);
    }
    return Collections.unmodifiableMap(byName);
  }

  /** An enum written as its JSON name; a name it does not have is refused. */
  <E> E named(Map<String, E> byName) throws IOException {
    String name = text();
    if (name == null) {
      return null;
    }
    E e = byName.get(name);
    if (e == null) {
      throw new Unreadable("\"" + name + "\" is not one of " + byName.keySet());
    }
    return e;
  }

  Double decimal() throws IOException {
    return number() == null ? null : p.getDoubleValue();
  }

  Boolean bool() throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return t == JsonToken.VALUE_TRUE;
    }
    throw new Unreadable("expected true or false at " + where() + ", not " + t);
  }

  /** A primitive boolean: JSON null reads as false. */
  boolean flag() throws IOException {
    Boolean b = bool();
    return b != null && b;
  }

  /** An object read by {@code fields} (which reads up to its end), or null. */
  <T> T object(Part<T> fields) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new Unreadable("expected an object at " + where() + ", not " + t);
    }
    return fields.read(this);
  }

  /** A list, each element read by {@code element} (an element that is null stays null), or null. */
  <T> List<T> list(Part<T> element) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_ARRAY) {
      throw new Unreadable("expected an array at " + where() + ", not " + t);
    }
    List<T> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      out.add(p.currentToken() == JsonToken.VALUE_NULL ? null : element.read(this));
    }
    return out;
  }

  /** A list of objects, each read by {@code fields}, or null. */
  <T> List<T> objects(Part<T> fields) throws IOException {
    return list(in -> in.object(fields));
  }

  List<String> strings() throws IOException {
    return list(JsonIn::text);
  }

  private JsonToken number() throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new Unreadable("expected a number at " + where() + ", not " + t);
    }
    return t;
  }

  private String where() {
    return p.getParsingContext().pathAsPointer().toString();
  }
}
