package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ReportValidator#check} returns the report it was given instead of the one its JSON reads
 * back as. That is sound only while the JSON written from a report reads back to an equal report:
 * this test holds every report that the importers and discovery build from the real fixtures (hwloc
 * and NCCL XML, lspci text, gathered sysfs archives, the H200 host) to it, field by field through
 * the records' equality.
 */
class ReportRoundTripTest {

  @Test
  void everyImportedFixtureReadsBackEqual() throws IOException {
    List<Path> files = ImportedFixtures.files();
    List<String> imported = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Path f : files) {
      Report r;
      try {
        r = Importers.load(f);
      } catch (ImportException e) {
        refused.add(f.getFileName() + ": " + e.getMessage());
        continue;
      }
      byte[] json = ReportJson.mapper().writeValueAsBytes(r);
      Report back = ReportJson.mapper().readValue(json, Report.class);
      assertEquals(r, back, f.getFileName().toString());
      imported.add(f.getFileName().toString());
    }
    // every fixture of these kinds imports; a refusal would hide a report from this check
    assertEquals(List.of(), refused);
    assertTrue(imported.size() >= 55, "only " + imported.size() + " fixtures: " + imported);
  }

  @Test
  void aGpuWithNvmlFieldsReadsBackEqual() throws Exception {
    Report withNvml = H200WithNvml.report();
    Report checked = ReportValidator.get().check(withNvml);
    assertSame(withNvml, checked);
    assertEquals(withNvml, ReportJson.read(ReportJson.write(withNvml)));
  }
}
