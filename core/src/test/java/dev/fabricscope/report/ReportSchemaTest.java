package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.sysfs.SysfsRoot;
import dev.fabricscope.topology.Report;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every report discovery writes validates against the published JSON Schema, and reads back into
 * the same model.
 */
class ReportSchemaTest {

  static JsonSchema schema() throws Exception {
    try (InputStream in = ReportJson.class.getResourceAsStream("report-schema-v1.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  static void assertValid(JsonSchema schema, String json, String what) throws Exception {
    JsonNode node = ReportJson.mapper().readTree(json);
    Set<ValidationMessage> errors = schema.validate(node);
    assertTrue(errors.isEmpty(), what + ": " + errors);
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureReportIsValidAndRoundTrips() throws Exception {
    JsonSchema schema = schema();
    List<Path> archives = Fixtures.archives();
    assertFalse(archives.isEmpty());
    return archives.stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    Fixtures.stem(a),
                    () -> {
                      try (var u = ArchiveExtractor.extract(a)) {
                        Report r = new SysfsDiscovery().discover(u.sysfsRoot());
                        String json = ReportJson.write(r);
                        assertValid(schema, json, a.getFileName().toString());
                        assertEquals(r, ReportJson.read(json));
                      }
                    }));
  }

  @Test
  void liveHostReportIsValid() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/bus/pci")));
    Report r = new SysfsDiscovery().discover(SysfsRoot.of(Path.of("/")));
    assertValid(schema(), ReportJson.write(r), "live host");
  }

  @Test
  void schemaRejectsWhatItMust() throws Exception {
    JsonSchema schema = schema();
    String[] bad = {
      "{}",
      "{\"schemaVersion\":2,\"source\":\"x\",\"host\":null,\"pci\":[],\"rdma\":[],\"net\":[],"
          + "\"nvme\":[],\"gpus\":[],\"diagnostics\":[]}",
      "{\"schemaVersion\":1,\"source\":\"x\",\"host\":{\"name\":null,\"kernelVersion\":null,"
          + "\"kernelCommandLine\":null,\"architecture\":null,\"cpu\":null,\"numaNodes\":[]},"
          + "\"pci\":[{\"bdf\":\"not-a-bdf\"}],\"rdma\":[],\"net\":[],\"nvme\":[],\"gpus\":[],"
          + "\"diagnostics\":[]}"
    };
    for (String json : bad) {
      assertFalse(schema.validate(ReportJson.mapper().readTree(json)).isEmpty(), json);
    }
  }
}
