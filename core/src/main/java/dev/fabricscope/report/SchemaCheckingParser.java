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
import com.fasterxml.jackson.core.JsonTokenId;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import dev.fabricscope.report.CompiledSchema.Violation;
import dev.fabricscope.report.SchemaNode.JsonNull;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * A parser that checks every token against a {@link CompiledSchema} as it hands it on, so a reader
 * ({@link ReportReader}) and the schema check share one pass over the bytes. Reading the tokens is
 * most of the cost of either alone: for the 332 KB synthetic report of {@code
 * bench/ingest-bench.sh}, 0.56 ms of the check's 0.87 ms and of data binding's 0.88 ms
 * (docs/benchmarks.md, "Report JSON read in one pass").
 *
 * <p>The first token that breaks the schema throws a {@link Violation} before the reader sees it.
 * The check keeps one frame per open object or array: its schema, the properties seen (a bitmask,
 * so a repeated key is refused), the items counted, and the schema of the value that comes next.
 * Values under a schema that allows anything are passed on unchecked; a reader that skips a value
 * still has it checked.
 */
final class SchemaCheckingParser extends JsonParserDelegate {

  private final SchemaNode root;

  // one entry per open container, index depth - 1
  private SchemaNode[] nodes = new SchemaNode[16];
  private SchemaNode[] next = new SchemaNode[16]; // objects: the schema of the coming value
  private boolean[] objects = new boolean[16];
  private long[] seen = new long[16];
  private int[] counts = new int[16];
  private int depth;
  private int unchecked; // open containers inside a value that any schema allows
  private boolean rootDone;

  SchemaCheckingParser(JsonParser p, SchemaNode root) {
    super(p);
    this.root = root;
  }

  /** Whether one whole JSON value has gone by. */
  boolean valueComplete() {
    return rootDone;
  }

  @Override
  public JsonToken nextToken() throws IOException {
    JsonToken t = delegate.nextToken();
    if (t != null && !rootDone) {
      accept(t);
    }
    return t;
  }

  @Override
  public JsonToken nextValue() throws IOException {
    JsonToken t = nextToken();
    return t == JsonToken.FIELD_NAME ? nextToken() : t;
  }

  @Override
  public JsonParser skipChildren() throws IOException {
    JsonToken t = currentToken();
    if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
      return this;
    }
    // skipped by the reader, checked all the same
    for (int open = 1; open > 0; ) {
      JsonToken n = nextToken();
      if (n == null) {
        return this;
      }
      if (n.isStructStart()) {
        open++;
      } else if (n.isStructEnd()) {
        open--;
      }
    }
    return this;
  }

  private void accept(JsonToken t) throws IOException {
    if (unchecked > 0) {
      if (t.isStructStart()) {
        unchecked++;
      } else if (t.isStructEnd() && --unchecked == 0) {
        valueDone();
      }
      return;
    }
    if (depth == 0) {
      value(root, t);
      return;
    }
    int i = depth - 1;
    if (objects[i]) {
      if (t == JsonToken.FIELD_NAME) {
        name(i);
      } else if (t == JsonToken.END_OBJECT) {
        endObject(i);
      } else {
        value(next[i], t);
      }
    } else if (t == JsonToken.END_ARRAY) {
      endArray(i);
    } else {
      counts[i]++;
      value(nodes[i].items, t);
    }
  }

  private void value(SchemaNode n, JsonToken t) throws IOException {
    if (n == null) {
      if (t.isStructStart()) {
        unchecked = 1;
      } else {
        valueDone();
      }
      return;
    }
    // on the token's id: a switch on the enum itself reads javac's ordinal map on every token
    switch (t.id()) {
      case JsonTokenId.ID_START_OBJECT -> open(n, OBJECT, true);
      case JsonTokenId.ID_START_ARRAY -> open(n, ARRAY, false);
      case JsonTokenId.ID_STRING -> string(n);
      case JsonTokenId.ID_NUMBER_INT -> number(n, INTEGER);
      case JsonTokenId.ID_NUMBER_FLOAT -> number(n, NUMBER);
      case JsonTokenId.ID_TRUE, JsonTokenId.ID_FALSE ->
          scalar(n, BOOLEAN, t == JsonToken.VALUE_TRUE);
      case JsonTokenId.ID_NULL -> nullValue(n);
      default -> throw violation("unexpected " + t);
    }
    if (!t.isStructStart()) {
      valueDone();
    }
  }

  private void open(SchemaNode n, int kind, boolean object) throws Violation {
    type(n, kind);
    if (n.allowed != null) {
      throw violation("is not one of the allowed values");
    }
    if (depth == nodes.length) {
      int size = depth * 2;
      nodes = Arrays.copyOf(nodes, size);
      next = Arrays.copyOf(next, size);
      objects = Arrays.copyOf(objects, size);
      seen = Arrays.copyOf(seen, size);
      counts = Arrays.copyOf(counts, size);
    }
    nodes[depth] = n;
    next[depth] = null;
    objects[depth] = object;
    seen[depth] = 0;
    counts[depth] = 0;
    depth++;
  }

  private void name(int i) throws IOException {
    SchemaNode n = nodes[i];
    Integer index = n.propertyIndex == null ? null : n.propertyIndex.get(delegate.currentName());
    if (index != null) {
      long bit = 1L << index;
      if ((seen[i] & bit) != 0) {
        // a repeated key is ambiguous (a tree keeps the last one, a stream sees both): refused
        throw violation("property appears twice");
      }
      seen[i] |= bit;
      next[i] = n.properties[index];
    } else if (n.additionalAllowed) {
      next[i] = n.additional;
    } else {
      throw violation("property is not allowed here");
    }
  }

  private void endObject(int i) throws Violation {
    SchemaNode n = nodes[i];
    if ((seen[i] & n.required) != n.required) {
      long missing = n.required & ~seen[i];
      String name = n.propertyNames[Long.numberOfTrailingZeros(missing)];
      throw violation("required property '" + name + "' is missing");
    }
    pop();
  }

  private void endArray(int i) throws Violation {
    SchemaNode n = nodes[i];
    int count = counts[i];
    if ((n.minItems >= 0 && count < n.minItems) || (n.maxItems >= 0 && count > n.maxItems)) {
      throw violation("has " + count + " items, outside the allowed count");
    }
    pop();
  }

  private void pop() {
    depth--;
    nodes[depth] = null;
    next[depth] = null;
    valueDone();
  }

  private void valueDone() {
    if (depth == 0) {
      rootDone = true;
    }
  }

  private void string(SchemaNode n) throws IOException {
    type(n, STRING);
    if (n.minLength < 0 && n.maxLength < 0 && n.pattern == null && n.allowed == null) {
      return; // the text is never decoded here
    }
    String s = delegate.getText();
    if (n.maxLength >= 0 && s.length() > n.maxLength) {
      if (s.codePointCount(0, s.length()) > n.maxLength) {
        throw violation("is longer than " + n.maxLength + " characters");
      }
    }
    if (n.minLength >= 0 && s.codePointCount(0, s.length()) < n.minLength) {
      throw violation("is shorter than " + n.minLength + " characters");
    }
    if (n.pattern != null && !n.matcher.get().reset(s).find()) {
      throw violation("does not match " + n.pattern.pattern());
    }
    if (n.allowed != null && !n.allowed.contains(s)) {
      throw violation("is not one of the allowed values");
    }
  }

  private void number(SchemaNode n, int kind) throws IOException {
    BigDecimal v = null;
    if (kind == NUMBER && (n.types & INTEGER) != 0 && (n.types & NUMBER) == 0) {
      // "integer" also admits a float token with no fraction (1.0), as the specification says
      v = delegate.getDecimalValue();
      if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
        throw violation("is not an integer");
      }
      kind = INTEGER;
    }
    type(n, kind);
    if (n.minimum == null && n.maximum == null && n.allowed == null) {
      return;
    }
    if (v == null) {
      v = delegate.getDecimalValue();
    }
    if (n.minimum != null && v.compareTo(n.minimum) < 0) {
      throw violation("is below the minimum " + n.minimum);
    }
    if (n.maximum != null && v.compareTo(n.maximum) > 0) {
      throw violation("is above the maximum " + n.maximum);
    }
    if (n.allowed != null) {
      for (Object a : n.allowed) {
        if (a instanceof BigDecimal d && d.compareTo(v) == 0) {
          return;
        }
      }
      throw violation("is not one of the allowed values");
    }
  }

  private void nullValue(SchemaNode n) throws Violation {
    type(n, NULL);
    if (n.allowed != null && !n.allowed.contains(JsonNull.NULL)) {
      throw violation("is not one of the allowed values");
    }
  }

  private void scalar(SchemaNode n, int kind, Object value) throws Violation {
    type(n, kind);
    if (n.allowed != null && !n.allowed.contains(value)) {
      throw violation("is not one of the allowed values");
    }
  }

  private void type(SchemaNode n, int kind) throws Violation {
    if (n.types != 0 && (n.types & kind) == 0) {
      throw violation("has the wrong type");
    }
  }

  private Violation violation(String why) {
    return new Violation(delegate.getParsingContext().pathAsPointer().toString(), why);
  }
}
