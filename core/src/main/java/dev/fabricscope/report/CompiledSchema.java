package dev.fabricscope.report;

import static dev.fabricscope.report.SchemaNode.ARRAY;
import static dev.fabricscope.report.SchemaNode.BOOLEAN;
import static dev.fabricscope.report.SchemaNode.INTEGER;
import static dev.fabricscope.report.SchemaNode.NULL;
import static dev.fabricscope.report.SchemaNode.NUMBER;
import static dev.fabricscope.report.SchemaNode.OBJECT;
import static dev.fabricscope.report.SchemaNode.STRING;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.report.SchemaNode.JsonNull;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * A JSON Schema (2020-12) compiled for one-pass validation of a token stream: no document tree, no
 * path objects, nothing allocated per value except the strings a keyword has to look at. It knows
 * the keywords the report schema uses — {@code type}, {@code properties}, {@code required}, {@code
 * additionalProperties}, {@code items}, {@code enum}, {@code const}, {@code minLength}, {@code
 * maxLength}, {@code pattern}, {@code minimum}, {@code maximum}, {@code minItems}, {@code maxItems}
 * — and refuses to compile a schema with any other assertion, so a schema edit can never be
 * silently ignored. It answers valid or not; the explanation of an invalid report comes from the
 * general validator (networknt), which the tests hold this one equal to.
 */
final class CompiledSchema {

  /** The first place where the document breaks the schema (a JSON Pointer and why). */
  static final class Violation extends Exception {
    Violation(String pointer, String why) {
      super((pointer.isEmpty() ? "/" : pointer) + ": " + why, null, false, false);
    }
  }

  private final SchemaNode root;

  private CompiledSchema(SchemaNode root) {
    this.root = root;
  }

  /** Compiles a schema document; throws on keywords it cannot check. */
  static CompiledSchema compile(JsonNode schema) {
    return new CompiledSchema(SchemaNode.compile(schema, "#"));
  }

  /**
   * Reads one JSON value from {@code p} (positioned before it) and checks it. Syntax and stream
   * constraint errors come out of the parser as its own exceptions.
   */
  void validate(JsonParser p) throws IOException, Violation {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new Violation("", "no JSON value");
    }
    check(root, p, t);
  }

  private static void check(SchemaNode n, JsonParser p, JsonToken t) throws IOException, Violation {
    switch (t) {
      case START_OBJECT -> object(n, p);
      case START_ARRAY -> array(n, p);
      case VALUE_STRING -> string(n, p);
      case VALUE_NUMBER_INT -> number(n, p, INTEGER);
      case VALUE_NUMBER_FLOAT -> number(n, p, NUMBER);
      case VALUE_TRUE, VALUE_FALSE -> scalar(n, p, BOOLEAN, p.getBooleanValue());
      case VALUE_NULL -> scalar(n, p, NULL, JsonNull.NULL);
      default -> throw new Violation(pointer(p), "unexpected " + t);
    }
  }

  private static void object(SchemaNode n, JsonParser p) throws IOException, Violation {
    type(n, p, OBJECT);
    if (n.allowed != null) {
      throw new Violation(pointer(p), "is not one of the allowed values");
    }
    long seen = 0;
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      Integer i = n.propertyIndex == null ? null : n.propertyIndex.get(name);
      SchemaNode child;
      if (i != null) {
        if ((seen & (1L << i)) != 0) {
          // a repeated key is ambiguous (a tree keeps the last one, a stream sees both): refused
          throw new Violation(pointer(p), "property appears twice");
        }
        seen |= 1L << i;
        child = n.properties[i];
      } else if (n.additionalAllowed) {
        child = n.additional;
      } else {
        throw new Violation(pointer(p), "property is not allowed here");
      }
      JsonToken value = p.nextToken();
      if (child == null) {
        p.skipChildren();
      } else {
        check(child, p, value);
      }
    }
    if ((seen & n.required) != n.required) {
      long missing = n.required & ~seen;
      String name = n.propertyNames[Long.numberOfTrailingZeros(missing)];
      throw new Violation(pointer(p), "required property '" + name + "' is missing");
    }
  }

  private static void array(SchemaNode n, JsonParser p) throws IOException, Violation {
    type(n, p, ARRAY);
    if (n.allowed != null) {
      throw new Violation(pointer(p), "is not one of the allowed values");
    }
    int count = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      count++;
      if (n.items == null) {
        p.skipChildren();
      } else {
        check(n.items, p, t);
      }
    }
    if ((n.minItems >= 0 && count < n.minItems) || (n.maxItems >= 0 && count > n.maxItems)) {
      throw new Violation(pointer(p), "has " + count + " items, outside the allowed count");
    }
  }

  private static void string(SchemaNode n, JsonParser p) throws IOException, Violation {
    type(n, p, STRING);
    if (n.minLength < 0 && n.maxLength < 0 && n.pattern == null && n.allowed == null) {
      return; // the text is never decoded
    }
    String s = p.getText();
    if (n.maxLength >= 0 && s.length() > n.maxLength) {
      if (s.codePointCount(0, s.length()) > n.maxLength) {
        throw new Violation(pointer(p), "is longer than " + n.maxLength + " characters");
      }
    }
    if (n.minLength >= 0 && s.codePointCount(0, s.length()) < n.minLength) {
      throw new Violation(pointer(p), "is shorter than " + n.minLength + " characters");
    }
    if (n.pattern != null && !n.matcher.get().reset(s).find()) {
      throw new Violation(pointer(p), "does not match " + n.pattern.pattern());
    }
    if (n.allowed != null && !n.allowed.contains(s)) {
      throw new Violation(pointer(p), "is not one of the allowed values");
    }
  }

  private static void number(SchemaNode n, JsonParser p, int kind) throws IOException, Violation {
    BigDecimal v = null;
    if (kind == NUMBER && (n.types & INTEGER) != 0 && (n.types & NUMBER) == 0) {
      // "integer" also admits a float token with no fraction (1.0), as the specification says
      v = p.getDecimalValue();
      if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
        throw new Violation(pointer(p), "is not an integer");
      }
      kind = INTEGER;
    }
    type(n, p, kind);
    if (n.minimum == null && n.maximum == null && n.allowed == null) {
      return;
    }
    if (v == null) {
      v = p.getDecimalValue();
    }
    if (n.minimum != null && v.compareTo(n.minimum) < 0) {
      throw new Violation(pointer(p), "is below the minimum " + n.minimum);
    }
    if (n.maximum != null && v.compareTo(n.maximum) > 0) {
      throw new Violation(pointer(p), "is above the maximum " + n.maximum);
    }
    if (n.allowed != null) {
      for (Object a : n.allowed) {
        if (a instanceof BigDecimal d && d.compareTo(v) == 0) {
          return;
        }
      }
      throw new Violation(pointer(p), "is not one of the allowed values");
    }
  }

  private static void scalar(SchemaNode n, JsonParser p, int kind, Object value) throws Violation {
    type(n, p, kind);
    if (n.allowed != null && !n.allowed.contains(value)) {
      throw new Violation(pointer(p), "is not one of the allowed values");
    }
  }

  private static void type(SchemaNode n, JsonParser p, int kind) throws Violation {
    if (n.types != 0 && (n.types & kind) == 0) {
      throw new Violation(pointer(p), "has the wrong type");
    }
  }

  private static String pointer(JsonParser p) {
    return p.getParsingContext().pathAsPointer().toString();
  }
}
