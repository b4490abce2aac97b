package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.testing.BadReports;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The schema checked as data binding reads ({@link SchemaCheckingParser}, one pass) decides every
 * body as the check before the binding did (two passes): the same report, or the same refusal with
 * the same step and words. The two-pass reference below is the validator as it was before the
 * passes were joined. Compared on real reports, the bad-report corpus, seeded mutations of valid
 * reports and generated defects.
 */
class SchemaCheckingParserTest {

  private static final JsonFactory BOUNDED =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(ReportValidator.MAX_DEPTH)
                  .maxStringLength(ReportValidator.MAX_STRING)
                  .maxNumberLength(64)
                  .build())
          .build();

  private static final String UNREADABLE = "SCHEMA the report cannot be read:";

  /** What the validator decided: a report, or a refusal's step and message. */
  record Outcome(Report report, String refusal) {}

  /** The one-pass validator. */
  static Outcome onePass(byte[] json) {
    try {
      return new Outcome(ReportValidator.get().parse(json), null);
    } catch (ReportValidator.InvalidReport e) {
      return new Outcome(null, e.step() + " " + e.getMessage());
    }
  }

  /**
   * The reference, as {@code parse} was before: the whole body checked first (bounds, syntax and
   * schema, worded by the validator), then bound by the plain reader, then the topology checks.
   */
  static Outcome twoPasses(byte[] json) {
    if (json.length == 0) {
      return onePass(json); // refused before either pass, unchanged
    }
    try {
      ReportValidator.get().checkJson(json);
    } catch (ReportValidator.InvalidReport e) {
      return new Outcome(null, e.step() + " " + e.getMessage());
    }
    Report r;
    try {
      r = redacted(ReportJson.mapper().readValue(json, Report.class));
    } catch (IOException e) {
      return new Outcome(null, "SCHEMA the report cannot be read: " + e.getMessage());
    }
    try {
      ReportValidator.checkSemantics(r);
    } catch (ReportValidator.InvalidReport e) {
      return new Outcome(null, e.step() + " " + e.getMessage());
    }
    return new Outcome(r, null);
  }

  /** As the one-pass reader keeps it: the kernel command line redacted (fifteenth review). */
  private static Report redacted(Report r) {
    dev.fabricscope.topology.Host h = r.host();
    if (h == null || h.kernelCommandLine() == null) {
      return r;
    }
    return r.withHost(
        new dev.fabricscope.topology.Host(
            h.name(),
            h.kernelVersion(),
            dev.fabricscope.sysfs.KernelCommandLine.redact(h.kernelCommandLine()),
            h.architecture(),
            h.cpu(),
            h.numaNodes(),
            h.packages()));
  }

  static void assertSame(byte[] json, String what) {
    Outcome expected = twoPasses(json);
    Outcome actual = onePass(json);
    assertEquals(cut(expected.refusal()), cut(actual.refusal()), what);
    assertEquals(expected.report(), actual.report(), what);
  }

  /**
   * The validator cuts a reader's long message after its first line and 300 characters; when the
   * records cannot hold schema-valid JSON, the reader's words are its own (data binding names Java
   * types), so only that it was refused for that is compared.
   */
  private static String cut(String s) {
    if (s == null) {
      return null;
    }
    if (s.startsWith(UNREADABLE)) {
      return UNREADABLE;
    }
    // how far the parser had read into an over-long string depends on who asked for its text
    s = s.replaceAll("value length \\(\\d+\\) exceeds", "value length (N) exceeds");
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 250 ? line.substring(0, 250) : line;
  }

  @Test
  void realReportsReadAsTheReaderAloneReadsThem() throws Exception {
    for (JsonNode r : CompiledSchemaTest.validReports()) {
      byte[] json = r.toString().getBytes(StandardCharsets.UTF_8);
      Report one = ReportValidator.get().parse(json);
      assertEquals(ReportJson.mapper().readValue(json, Report.class), one);
    }
  }

  @Test
  void everyImportedFixtureIsReadAsDataBindingReadsIt() throws Exception {
    List<Report> reports = new ArrayList<>(List.of(H200WithNvml.report()));
    for (Path f : ImportedFixtures.files()) {
      reports.add(dev.fabricscope.importer.Importers.load(f));
    }
    for (Report r : reports) {
      byte[] json = ReportJson.mapper().writeValueAsBytes(r);
      assertEquals(r, ReportValidator.get().parse(json), r.host().name());
      assertSame(json, r.host().name());
    }
    assertTrue(reports.size() >= 56, "only " + reports.size() + " fixtures");
  }

  @Test
  void generatedReportsReorderedAndWithCoercedNumbersAreReadAsBefore() throws Exception {
    List<JsonNode> seeds = new ArrayList<>();
    seeds.add(ReportJson.mapper().valueToTree(H200WithNvml.report()));
    for (Path f : ImportedFixtures.files()) {
      seeds.add(ReportJson.mapper().valueToTree(dev.fabricscope.importer.Importers.load(f)));
    }
    Random rnd = new Random(20261206);
    int read = 0;
    for (int i = 0; i < 3000; i++) {
      JsonNode tree = seeds.get(i % seeds.size()).deepCopy();
      if (i % 3 == 0) {
        // nulls and awkward values; most of these break the schema somewhere
        ReportWriterTest.mutate(tree, rnd, 0.02 + rnd.nextDouble() * 0.2);
      }
      tree = reorderAndCoerce(tree, rnd, i % 10 == 0);
      byte[] json = ReportJson.mapper().writeValueAsBytes(tree);
      assertSame(json, "generated #" + i);
      Outcome o = onePass(json);
      read += o.report() == null ? 0 : 1;
    }
    assertTrue(read >= 1500, "only " + read + " of the generated reports were valid");
  }

  /**
   * The same content as data binding sees it, written otherwise: every object's fields shuffled,
   * some whole numbers written as 2.0 and some as 2, and where {@code huge}, here and there a
   * number just past an {@code int} (as an integer or a float), or past a {@code long}.
   */
  static JsonNode reorderAndCoerce(JsonNode n, Random rnd, boolean huge) {
    var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    if (n.isObject()) {
      List<String> names = new ArrayList<>();
      n.fieldNames().forEachRemaining(names::add);
      java.util.Collections.shuffle(names, rnd);
      var out = f.objectNode();
      for (String name : names) {
        JsonNode v = n.get(name);
        out.set(name, "schemaVersion".equals(name) ? v : reorderAndCoerce(v, rnd, huge));
      }
      return out;
    }
    if (n.isArray()) {
      var out = f.arrayNode();
      n.forEach(e -> out.add(reorderAndCoerce(e, rnd, huge)));
      return out;
    }
    if (n.isIntegralNumber() && rnd.nextInt(4) == 0) {
      if (huge && rnd.nextInt(20) == 0) {
        return switch (rnd.nextInt(5)) {
          case 0 -> f.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
          case 1 -> f.numberNode(1L + Integer.MAX_VALUE);
          case 2 -> f.numberNode(-1L + Integer.MIN_VALUE);
          case 3 -> f.numberNode(3.0e9);
          default -> f.numberNode(1.0e19);
        };
      }
      return f.numberNode(n.asDouble());
    }
    if (n.isFloatingPointNumber() && n.asDouble() == Math.rint(n.asDouble()) && rnd.nextBoolean()) {
      return f.numberNode((long) n.asDouble());
    }
    return n;
  }

  @Test
  void theBadCorpusIsRefusedAsBefore() throws IOException {
    int compared = 0;
    for (Path f : BadReports.corpusFiles()) {
      assertSame(Files.readAllBytes(f), f.getFileName().toString());
      compared++;
    }
    assertTrue(compared >= 15, "corpus files compared: " + compared);
  }

  @Test
  void seededMutationsAreDecidedAsBefore() throws IOException {
    Random random = new Random(20261206L);
    int refused = 0;
    int total = 0;
    for (JsonNode valid : CompiledSchemaTest.validReports()) {
      for (int i = 0; i < 1500; i++) {
        JsonNode mutant = valid.deepCopy();
        for (int m = 1 + random.nextInt(2); m > 0; m--) {
          CompiledSchemaTest.mutate(mutant, random);
        }
        byte[] json = mutant.toString().getBytes(StandardCharsets.UTF_8);
        assertSame(json, "mutant " + i);
        refused += onePass(json).refusal() == null ? 0 : 1;
        total++;
      }
    }
    assertTrue(refused > total / 3 && refused < total, refused + " of " + total + " refused");
  }

  @Test
  void generatedDefectsAndBrokenSyntaxAreRefusedAsBefore() {
    List<byte[]> cases = new ArrayList<>(BadReports.generated("h1", 1000, 11));
    cases.addAll(BadReports.cases("h1").values());
    byte[] valid = BadReports.valid("h1").toString().getBytes(StandardCharsets.UTF_8);
    Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      // cut short, or trailing bytes after the value: syntax errors at every depth
      int at = 1 + random.nextInt(valid.length - 1);
      cases.add(java.util.Arrays.copyOf(valid, at));
      byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 2);
      trailing[valid.length] = ' ';
      trailing[valid.length + 1] = (byte) "{[1x\"".charAt(random.nextInt(5));
      cases.add(trailing);
    }
    for (byte[] b : cases) {
      assertSame(b, new String(b, 0, Math.min(b.length, 200), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aReaderThatSkipsAValueStillHasItChecked() throws IOException {
    byte[] json = "{\"a\":[1,{\"b\":2}],\"c\":3}".getBytes(StandardCharsets.UTF_8);
    SchemaNode anyObject = new SchemaNode();
    SchemaNode integers = new SchemaNode();
    integers.types = SchemaNode.ARRAY;
    integers.items = new SchemaNode();
    integers.items.types = SchemaNode.INTEGER;
    anyObject.additional = integers;
    try (SchemaCheckingParser p = new SchemaCheckingParser(BOUNDED.createParser(json), anyObject)) {
      p.nextToken();
      p.nextToken(); // "a"
      p.nextToken(); // [
      CompiledSchema.Violation v = assertThrows(CompiledSchema.Violation.class, p::skipChildren);
      assertEquals("/a/1: has the wrong type", v.getMessage());
    }
  }
}
