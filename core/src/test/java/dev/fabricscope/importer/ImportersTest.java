package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every hwloc and NCCL fixture imports, validates against the report schema and round-trips through
 * report JSON; format detection and its error messages.
 */
class ImportersTest {

  @TempDir Path tmp;

  static JsonSchema schema() throws IOException {
    try (InputStream in = ReportJson.class.getResourceAsStream("report-schema-v1.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  static void assertValid(Report r, String what) throws IOException {
    JsonNode node = ReportJson.mapper().readTree(ReportJson.write(r));
    Set<ValidationMessage> errors = schema().validate(node);
    assertTrue(errors.isEmpty(), what + ": " + errors);
  }

  static List<Path> files(String folder) throws IOException {
    try (Stream<Path> s = Files.list(Fixtures.root().resolve(folder))) {
      return s.filter(p -> p.toString().endsWith(".xml"))
          .filter(p -> !p.getFileName().toString().endsWith("-graph.xml"))
          .sorted()
          .toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyXmlFixtureImportsValidatesAndRoundTrips() throws IOException {
    List<Path> all =
        Stream.concat(files("hwloc-xml").stream(), files("nccl-xml").stream()).toList();
    assertTrue(all.size() >= 20, "fixtures: " + all);
    return all.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.getFileName().toString(),
                    () -> {
                      Report r = Importers.load(f);
                      String expected = f.getParent().getFileName().toString();
                      assertEquals(expected, r.source());
                      assertFalse(r.pci().isEmpty());
                      assertFalse(r.diagnostics().isEmpty());
                      assertValid(r, f.toString());
                      Path json = tmp.resolve(f.getFileName() + ".json");
                      Files.writeString(json, ReportJson.write(r));
                      assertEquals(r, Importers.load(json));
                    }));
  }

  @Test
  void ncclGraphFileIsRefusedWithAPointerToTheTopologyFile() {
    Path graph = Fixtures.root().resolve("nccl-xml/azure-ncv4-graph.xml");
    ImportException e = assertThrows(ImportException.class, () -> Importers.load(graph));
    assertTrue(e.getMessage().contains("NCCL graph file"), e.getMessage());
    assertTrue(e.getMessage().contains(graph.toString()), e.getMessage());
  }

  @Test
  void detectsEveryFormat() throws Exception {
    assertEquals(
        "hwloc-xml", Importers.load(Fixtures.root().resolve("hwloc-xml/devel09-pci.xml")).source());
    assertEquals(
        "nccl-xml",
        Importers.load(Fixtures.root().resolve("nccl-xml/azure-ndv2-topo.xml")).source());
    assertEquals(
        "lspci",
        Importers.load(Fixtures.root().resolve("text/puget-threadripper-pro-wrx90.md")).source());
    assertEquals("lspci", Importers.load(Fixtures.sysfs("qemu-rig-iommu.lspci-tvnn.txt")).source());
    assertEquals("sysfs", Importers.load(Fixtures.sysfs("qemu-rig-plain.tar.gz")).source());
  }

  private ImportException failure(String name, String content) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    ImportException e = assertThrows(ImportException.class, () -> Importers.load(f));
    assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  @Test
  void brokenInputGivesHelpfulMessages() throws Exception {
    assertTrue(failure("empty.txt", "").getMessage().contains("empty"));
    assertTrue(
        failure("garbage.bin", "hello world\nnothing here").getMessage().contains("no lspci tree"));
    String hwloc = Files.readString(Fixtures.root().resolve("hwloc-xml/devel09-pci.xml"));
    assertTrue(
        failure("cut.xml", hwloc.substring(0, hwloc.length() / 2))
            .getMessage()
            .contains("malformed XML"));
    Report r = Importers.load(Fixtures.root().resolve("nccl-xml/azure-ndv2-topo.xml"));
    String json = ReportJson.write(r);
    assertTrue(
        failure("cut.json", json.substring(0, json.length() / 2))
            .getMessage()
            .contains("broken JSON"));
    String v2 = json.replaceFirst("\"schemaVersion\":1", "\"schemaVersion\":2");
    assertTrue(failure("v2.json", v2).getMessage().contains("schemaVersion 2 is not supported"));
    assertTrue(failure("other.xml", "<svg/>").getMessage().contains("neither hwloc nor NCCL"));
    assertTrue(failure("obj.json", "{\"a\":1}").getMessage().contains("without schemaVersion"));
    assertTrue(
        failure("badtree.txt", "-[0000:00]-+-00.0  x\n |   +-zz\n")
            .getMessage()
            .contains("does not parse"));
  }

  @Test
  void nvidiaSmiMatricesAreNotLspciTrees() throws Exception {
    for (String t :
        List.of("nccl-tests-320.txt", "pytorch-47885.txt", "warpem-miss-alignment-106.txt")) {
      Path f = Fixtures.root().resolve("text").resolve(t);
      ImportException e = assertThrows(ImportException.class, () -> Importers.load(f));
      assertTrue(e.getMessage().contains("no lspci tree found"), e.getMessage());
    }
  }

  @Test
  void externalEntitiesAreNeverResolved() throws Exception {
    Path secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "TOPSECRET");
    String xml =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE topology [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]>\n<topology version=\"3.0\"><object type=\"Machine\" os_index=\"0\">"
            + "<info name=\"HostName\" value=\"&x;\"/></object></topology>";
    Path f = tmp.resolve("xxe.xml");
    Files.writeString(f, xml);
    try {
      Report r = Importers.load(f);
      assertFalse(String.valueOf(r.host().name()).contains("TOPSECRET"));
    } catch (ImportException e) {
      assertFalse(e.getMessage().contains("TOPSECRET"));
    }
    // the hwloc DOCTYPE names a DTD that does not exist here: it must not be fetched
    String dtd =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE topology SYSTEM \"http://127.0.0.1:9/hwloc2.dtd\">\n"
            + "<topology version=\"3.0\"><object type=\"Machine\" os_index=\"0\"/></topology>";
    Path g = tmp.resolve("dtd.xml");
    Files.writeString(g, dtd);
    assertEquals("hwloc-xml", Importers.load(g).source());
  }

  @Test
  void hwlocXmlWithAnInternalSubsetIsReadWithItsEntitiesExpanded() throws Exception {
    // security issue finding 8: this was taken for lspci text and refused with a wrong message
    String xml =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE topology [ <!ENTITY a \"b\"> <!ENTITY q \"]>\"> ]>\n"
            + "<topology version=\"3.0\"><object type=\"Machine\" os_index=\"0\">"
            + "<info name=\"HostName\" value=\"node-&a;\"/></object></topology>";
    Path f = Files.writeString(tmp.resolve("subset.xml"), xml);
    Report r = Importers.load(f);
    assertEquals("hwloc-xml", r.source());
    assertEquals("node-b", r.host().name());
  }

  @Test
  void entityExpansionBombsAreRefusedAsXml() throws Exception {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE topology [<!ENTITY l0 \"lol\">");
    for (int i = 1; i < 10; i++) {
      dtd.append("<!ENTITY l").append(i).append(" \"");
      dtd.append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
    }
    dtd.append("]>");
    String xml =
        "<?xml version=\"1.0\"?>\n"
            + dtd
            + "\n<topology version=\"3.0\"><object type=\"Machine\" os_index=\"0\">"
            + "<info name=\"HostName\" value=\"&l9;\"/></object></topology>";
    Path f = Files.writeString(tmp.resolve("laughs.xml"), xml);
    ImportException e = assertThrows(ImportException.class, () -> Importers.load(f));
    assertTrue(e.getMessage().contains("XML"), e.getMessage());
    assertFalse(e.getMessage().contains("lspci"), e.getMessage());
  }

  @Test
  void hugeFilesAreRefusedUnread() throws Exception {
    Path f = tmp.resolve("huge.xml");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.write("<topology>".getBytes(StandardCharsets.US_ASCII));
      raf.setLength(Importers.MAX_BYTES + 1); // sparse: nothing is written or read
    }
    ImportException e = assertThrows(ImportException.class, () -> Importers.load(f));
    assertTrue(e.getMessage().contains("import limit"), e.getMessage());
  }
}
