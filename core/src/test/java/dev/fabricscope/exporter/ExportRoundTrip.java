package dev.fabricscope.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.Report;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/** Real inputs for the exporter tests, and the read-back through our own importers. */
final class ExportRoundTrip {

  private ExportRoundTrip() {}

  static Report sysfs(String capture) throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs(capture + ".tar.gz"))) {
      return new SysfsDiscovery().discover(u.sysfsRoot());
    }
  }

  static Report fixture(String dir, String name) throws Exception {
    return Importers.load(Fixtures.root().resolve(dir).resolve(name));
  }

  /** Writes the XML to a temporary file and imports it as a user would. */
  static Report readBack(String xml, Path dir, String name) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, xml, StandardCharsets.UTF_8);
    return Importers.load(f);
  }

  /** Parses with a plain, strict JDK parser: fails on anything not well-formed. */
  static Document wellFormed(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  /** NVLink bonds as "a-b" (ends sorted) → count. */
  static Map<String, Integer> nvlinks(Report r) {
    Map<String, Integer> out = new TreeMap<>();
    for (NvLink l : r.nvlinks()) {
      String key = l.a().compareTo(l.b()) <= 0 ? l.a() + "-" + l.b() : l.b() + "-" + l.a();
      out.merge(key, l.count(), Integer::sum);
    }
    return out;
  }

  /** Runs lstopo on the file when it is installed: hwloc itself must accept what we write. */
  static String lstopo(Path file) throws Exception {
    Path bin = Path.of("/usr/bin/lstopo");
    if (!Files.isExecutable(bin)) {
      return null;
    }
    Process p =
        new ProcessBuilder(
                List.of(
                    bin.toString(), "--input", file.toString(), "--of", "console", "--whole-io"))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
