package dev.fabricscope.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * A JSON Schema (2020-12) compiled for validation of a token stream as it passes ({@link
 * SchemaCheckingParser}): no document tree, no path objects, nothing allocated per value except the
 * strings a keyword has to look at, and a reader can bind the same tokens in the same pass. It
 * knows the keywords the report schema uses — {@code type}, {@code properties}, {@code required},
 * {@code additionalProperties}, {@code items}, {@code enum}, {@code const}, {@code minLength},
 * {@code maxLength}, {@code pattern}, {@code minimum}, {@code maximum}, {@code minItems}, {@code
 * maxItems} — and refuses to compile a schema with any other assertion, so a schema edit can never
 * be silently ignored. It answers valid or not; the explanation of an invalid report comes from the
 * general validator (networknt), which the tests hold this one equal to.
 */
final class CompiledSchema {

  /** The first place where the document breaks the schema (a JSON Pointer and why). */
  static final class Violation extends IOException {
    Violation(String pointer, String why) {
      super((pointer.isEmpty() ? "/" : pointer) + ": " + why);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // a refusal of input, not a fault: its place in our code says nothing
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
   * constraint errors come out of the parser as its own exceptions; a {@link Violation} is an
   * {@link IOException} too, so catch it first.
   */
  void validate(JsonParser p) throws IOException {
    SchemaCheckingParser c = checking(p);
    if (c.nextToken() == null) {
      throw new Violation("", "no JSON value");
    }
    while (!c.valueComplete() && c.nextToken() != null) {
      // every token is checked as it passes
    }
  }

  /**
   * {@code p} wrapped so that every token it hands on is checked first; a reader on it sees only
   * tokens of a valid prefix, and the first token that breaks the schema throws a {@link
   * Violation}.
   */
  SchemaCheckingParser checking(JsonParser p) {
    return new SchemaCheckingParser(p, root);
  }
}
