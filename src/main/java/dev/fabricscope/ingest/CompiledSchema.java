package dev.fabricscope.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  private static final Set<String> ANNOTATIONS =
      Set.of("$schema", "$id", "$comment", "title", "description", "examples", "default");

  private static final int OBJECT = 1;
  private static final int ARRAY = 2;
  private static final int STRING = 4;
  private static final int INTEGER = 8;
  private static final int NUMBER = 16;
  private static final int BOOLEAN = 32;
  private static final int NULL = 64;
  private static final Map<String, Integer> TYPES =
      Map.of(
          "object", OBJECT,
          "array", ARRAY,
          "string", STRING,
          "integer", INTEGER,
          "number", NUMBER | INTEGER,
          "boolean", BOOLEAN,
          "null", NULL);

  /** One schema object, compiled. Fields unused by a schema keep their "absent" value. */
  private static final class Node {
    int types; // allowed JSON types, 0 = any
    Map<String, Integer> propertyIndex;
    Node[] properties;
    String[] propertyNames;
    long required; // bit i: properties[i] is required
    boolean additionalAllowed = true;
    Node additional; // schema for other properties; null = anything
    Node items; // null = anything
    int minLength = -1;
    int maxLength = -1;
    Pattern pattern;
    ThreadLocal<Matcher> matcher; // reused: a new Matcher allocates its group arrays
    List<Object> allowed; // enum, or a single const
    BigDecimal minimum;
    BigDecimal maximum;
    int minItems = -1;
    int maxItems = -1;
  }

  private final Node root;

  private CompiledSchema(Node root) {
    this.root = root;
  }

  /** Compiles a schema document; throws on keywords it cannot check. */
  static CompiledSchema compile(JsonNode schema) {
    return new CompiledSchema(node(schema, "#"));
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

  private static void check(Node n, JsonParser p, JsonToken t) throws IOException, Violation {
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

  private static void object(Node n, JsonParser p) throws IOException, Violation {
    type(n, p, OBJECT);
    if (n.allowed != null) {
      throw new Violation(pointer(p), "is not one of the allowed values");
    }
    long seen = 0;
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      Integer i = n.propertyIndex == null ? null : n.propertyIndex.get(name);
      Node child;
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

  private static void array(Node n, JsonParser p) throws IOException, Violation {
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

  private static void string(Node n, JsonParser p) throws IOException, Violation {
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

  private static void number(Node n, JsonParser p, int kind) throws IOException, Violation {
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

  private static void scalar(Node n, JsonParser p, int kind, Object value) throws Violation {
    type(n, p, kind);
    if (n.allowed != null && !n.allowed.contains(value)) {
      throw new Violation(pointer(p), "is not one of the allowed values");
    }
  }

  private static void type(Node n, JsonParser p, int kind) throws Violation {
    if (n.types != 0 && (n.types & kind) == 0) {
      throw new Violation(pointer(p), "has the wrong type");
    }
  }

  private static String pointer(JsonParser p) {
    return p.getParsingContext().pathAsPointer().toString();
  }

  /** Stands for JSON null in enum lists (a List cannot hold null meaningfully for contains). */
  private enum JsonNull {
    NULL
  }

  // ---- compiling ----

  private static Node node(JsonNode s, String at) {
    if (s.isBoolean()) {
      if (!s.asBoolean()) {
        throw unsupported(at, "the schema false outside additionalProperties");
      }
      return null; // true: anything
    }
    if (!s.isObject()) {
      throw unsupported(at, "a schema that is not an object");
    }
    Node n = new Node();
    for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode v = e.getValue();
      String here = at + "/" + k;
      switch (k) {
        case "type" -> n.types = types(v, here);
        case "properties" -> properties(n, v, here);
        case "required" -> {} // after properties, below
        case "additionalProperties" -> {
          if (v.isBoolean()) {
            n.additionalAllowed = v.asBoolean();
          } else {
            n.additional = node(v, here);
          }
        }
        case "items" -> n.items = node(v, here);
        case "enum" -> n.allowed = values(v, here);
        case "const" -> n.allowed = values(List.of(v), here);
        case "minLength" -> n.minLength = v.intValue();
        case "maxLength" -> n.maxLength = v.intValue();
        case "pattern" -> {
          Pattern compiled = Pattern.compile(v.asText());
          n.pattern = compiled;
          n.matcher = ThreadLocal.withInitial(() -> compiled.matcher(""));
        }
        case "minimum" -> n.minimum = v.decimalValue();
        case "maximum" -> n.maximum = v.decimalValue();
        case "minItems" -> n.minItems = v.intValue();
        case "maxItems" -> n.maxItems = v.intValue();
        default -> {
          if (!ANNOTATIONS.contains(k)) {
            throw unsupported(here, "the keyword " + k);
          }
        }
      }
    }
    JsonNode required = s.get("required");
    if (required != null) {
      for (JsonNode r : required) {
        Integer i = n.propertyIndex == null ? null : n.propertyIndex.get(r.asText());
        if (i == null) {
          throw unsupported(at, "a required property without a properties entry: " + r);
        }
        n.required |= 1L << i;
      }
    }
    return n;
  }

  private static void properties(Node n, JsonNode v, String at) {
    if (v.size() > 64) {
      throw unsupported(at, "more than 64 properties in one object");
    }
    n.propertyIndex = new HashMap<>();
    n.properties = new Node[v.size()];
    n.propertyNames = new String[v.size()];
    int i = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); i++) {
      Map.Entry<String, JsonNode> e = it.next();
      n.propertyIndex.put(e.getKey(), i);
      n.propertyNames[i] = e.getKey();
      n.properties[i] = node(e.getValue(), at + "/" + e.getKey());
    }
  }

  private static int types(JsonNode v, String at) {
    int mask = 0;
    for (JsonNode t : v.isArray() ? v : List.of(v)) {
      Integer bit = TYPES.get(t.asText());
      if (bit == null) {
        throw unsupported(at, "the type " + t);
      }
      mask |= bit;
    }
    return mask;
  }

  private static List<Object> values(Iterable<JsonNode> v, String at) {
    List<Object> out = new ArrayList<>();
    for (JsonNode x : v) {
      if (x.isTextual()) {
        out.add(x.asText());
      } else if (x.isNumber()) {
        out.add(x.decimalValue());
      } else if (x.isBoolean()) {
        out.add(x.asBoolean());
      } else if (x.isNull()) {
        out.add(JsonNull.NULL);
      } else {
        throw unsupported(at, "an enum or const value that is an object or array");
      }
    }
    return out;
  }

  private static IllegalStateException unsupported(String at, String what) {
    return new IllegalStateException(
        "the report schema uses " + what + " at " + at + ", which CompiledSchema does not check");
  }
}
