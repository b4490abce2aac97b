package dev.fabricscope.report;

import com.fasterxml.jackson.databind.JsonNode;
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
 * One schema object of a {@link CompiledSchema}, compiled from its JSON Schema keywords. Fields a
 * schema does not use keep their "absent" value (null or -1). Immutable after {@link #compile}.
 */
final class SchemaNode {

  private static final Set<String> ANNOTATIONS =
      Set.of("$schema", "$id", "$comment", "title", "description", "examples", "default");

  static final int OBJECT = 1;
  static final int ARRAY = 2;
  static final int STRING = 4;
  static final int INTEGER = 8;
  static final int NUMBER = 16;
  static final int BOOLEAN = 32;
  static final int NULL = 64;
  private static final Map<String, Integer> TYPES =
      Map.of(
          "object", OBJECT,
          "array", ARRAY,
          "string", STRING,
          "integer", INTEGER,
          "number", NUMBER | INTEGER,
          "boolean", BOOLEAN,
          "null", NULL);

  int types; // allowed JSON types, 0 = any
  Map<String, Integer> propertyIndex;
  SchemaNode[] properties;
  String[] propertyNames;
  long required; // bit i: properties[i] is required
  boolean additionalAllowed = true;
  SchemaNode additional; // schema for other properties; null = anything
  SchemaNode items; // null = anything
  int minLength = -1;
  int maxLength = -1;
  Pattern pattern;
  ThreadLocal<Matcher> matcher; // reused: a new Matcher allocates its group arrays
  List<Object> allowed; // enum, or a single const
  BigDecimal minimum;
  BigDecimal maximum;
  int minItems = -1;
  int maxItems = -1;

  /** Stands for JSON null in enum lists (a List cannot hold null meaningfully for contains). */
  enum JsonNull {
    NULL
  }

  /** Compiles the schema object at {@code at} (a JSON Pointer fragment, for error messages). */
  static SchemaNode compile(JsonNode s, String at) {
    if (s.isBoolean()) {
      if (!s.asBoolean()) {
        throw unsupported(at, "the schema false outside additionalProperties");
      }
      return null; // true: anything
    }
    if (!s.isObject()) {
      throw unsupported(at, "a schema that is not an object");
    }
    SchemaNode n = new SchemaNode();
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
            n.additional = compile(v, here);
          }
        }
        case "items" -> n.items = compile(v, here);
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

  private static void properties(SchemaNode n, JsonNode v, String at) {
    if (v.size() > 64) {
      throw unsupported(at, "more than 64 properties in one object");
    }
    n.propertyIndex = new HashMap<>();
    n.properties = new SchemaNode[v.size()];
    n.propertyNames = new String[v.size()];
    int i = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); i++) {
      Map.Entry<String, JsonNode> e = it.next();
      n.propertyIndex.put(e.getKey(), i);
      n.propertyNames[i] = e.getKey();
      n.properties[i] = compile(e.getValue(), at + "/" + e.getKey());
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
