package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.testing.BadReports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One validation path: report JSON refused by the agent door ({@link ReportValidator#parse}) is
 * refused by the import door ({@link Importers}, which {@code topo --input} and {@code POST
 * /api/v1/imports} use) with the same reason, and a valid report passes both.
 */
class ReportValidatorTest {

  @TempDir Path tmp;

  @Test
  void everyNamedDefectIsRefusedByBothDoors() throws Exception {
    for (Map.Entry<String, byte[]> c : BadReports.cases("h1").entrySet()) {
      var direct =
          assertThrows(
              ReportValidator.InvalidReport.class,
              () -> ReportValidator.get().parse(c.getValue()),
              c.getKey());
      Path f = Files.write(tmp.resolve("case.json"), c.getValue());
      ImportException viaImport =
          assertThrows(ImportException.class, () -> Importers.load(f), c.getKey());
      // the same reason (a parser's detail, such as the length it had read, may differ)
      assertTrue(
          viaImport.getMessage().contains(direct.getMessage().split(":")[0]),
          c.getKey() + ": " + viaImport.getMessage());
      assertEquals(1, viaImport.getMessage().lines().count(), "one line: " + c.getKey());
    }
  }

  @Test
  void deepJsonIsRefusedNotACrash() {
    // where the schema allows no nesting it stops at once; where it is still reading, the depth
    // bound stops it: a 10^5-deep value never reaches a recursive reader
    for (byte[] deep :
        List.of(
            BadReports.deep(100_000),
            "[".repeat(100_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            ("{\"a\":".repeat(100_000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      var e =
          assertThrows(
              ReportValidator.InvalidReport.class, () -> ReportValidator.get().parse(deep));
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
  }

  @Test
  void thousandsOfGeneratedDefectsAreRefused() {
    List<byte[]> bad = BadReports.generated("h1", 2000, 9);
    for (byte[] b : bad) {
      assertThrows(
          ReportValidator.InvalidReport.class,
          () -> ReportValidator.get().parse(b),
          () -> new String(b, java.nio.charset.StandardCharsets.UTF_8).substring(0, 300));
    }
  }

  @Test
  void aValidReportPassesBothDoors() throws Exception {
    byte[] good =
        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(BadReports.valid("h1"));
    assertEquals("h1", ReportValidator.get().parse(good).host().name());
    Path f = Files.write(tmp.resolve("good.json"), good);
    assertEquals("h1", Importers.load(f).host().name());
  }
}
