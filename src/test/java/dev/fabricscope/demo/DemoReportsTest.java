package dev.fabricscope.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loading demo archives without Quarkus: one bad archive must not stop the others. */
class DemoReportsTest {

  @Test
  void badArchivesAreReportedAndTheRestStillLoad() {
    DemoReports.Opener opener =
        archive ->
            switch (archive) {
              case "garbage.tar.gz" ->
                  new ByteArrayInputStream("not an archive".getBytes(StandardCharsets.US_ASCII));
              case "procfs-fixtures.tar.gz" ->
                  Files.newInputStream(Fixtures.root().resolve("sysfs").resolve(archive));
              default -> null;
            };

    DemoReports.Loaded loaded =
        DemoReports.load(
            List.of("garbage.tar.gz", "missing.tar.bz2", "procfs-fixtures.tar.gz"), opener);

    assertEquals(List.of("procfs-fixtures"), List.copyOf(loaded.reports().keySet()));
    assertEquals(List.of("garbage", "missing"), List.copyOf(loaded.failures().keySet()));
    assertTrue(loaded.failures().get("missing").contains("missing.tar.bz2"));
  }

  @Test
  void nameDropsTheArchiveSuffix() {
    assertEquals("a+b", DemoReports.nameOf("a+b.tar.bz2"));
    assertEquals("x", DemoReports.nameOf("demo/x.tar.gz"));
    assertEquals("y", DemoReports.nameOf("y.tgz"));
  }
}
