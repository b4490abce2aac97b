package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code collect --of}: the exports of real gathered hosts, checked by the tools they are for. The
 * hwloc XML loads in the real {@code lstopo-no-graphics -i} (Debian hwloc-nox) with every PCI
 * function of the report; the NCCL XML has NCCL's shape ({@code <system>} root, no declaration,
 * which NCCL 2.28.9 refuses) and the GPUs NCCL itself found on the H200 host.
 */
class CollectExportTest {

  private static final Path LSTOPO = Path.of("/usr/bin/lstopo-no-graphics");

  @TempDir Path tmp;

  static List<Path> hosts() {
    return List.of(
        Fixtures.sysfs("qemu-rig-iommu.tar.gz"),
        Fixtures.sysfs("ghw-linux-amd64-accel-nvidia.tar.gz"),
        Fixtures.root().resolve("gpu-hosts/h200-passthrough.tar.bz2"));
  }

  @TestFactory
  Stream<DynamicTest> hwlocExportLoadsInLstopoWithEveryPciFunction() {
    return hosts().stream()
        .map(h -> DynamicTest.dynamicTest(Fixtures.stem(h), () -> hwlocLoads(h)));
  }

  private void hwlocLoads(Path host) throws Exception {
    assertTrue(Files.isExecutable(LSTOPO), "install hwloc-nox (lstopo-no-graphics)");
    Report report = report(host);
    InProcess.Result r = InProcess.run("collect", "--of", "hwloc-xml", "--fsroot", host.toString());
    assertEquals(0, r.code(), r.err());
    Path file = Files.writeString(tmp.resolve(Fixtures.stem(host) + ".xml"), r.out());
    Process p =
        new ProcessBuilder(
                LSTOPO.toString(), "-i", file.toString(), "--whole-io", "--of", "xml", "-")
            .redirectError(ProcessBuilder.Redirect.appendTo(tmp.resolve("lstopo.err").toFile()))
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("lstopo.err")));
    // what hwloc loaded, written back by hwloc itself: the same PCI functions
    Set<String> loaded = new TreeSet<>();
    NodeList objects = parse(out).getElementsByTagName("object");
    for (int i = 0; i < objects.getLength(); i++) {
      Element o = (Element) objects.item(i);
      if (!o.getAttribute("pci_busid").isEmpty()) {
        loaded.add(o.getAttribute("pci_busid"));
      }
    }
    Set<String> ours =
        report.pci().stream().map(PciFunction::bdf).collect(Collectors.toCollection(TreeSet::new));
    assertFalse(ours.isEmpty());
    assertEquals(ours, loaded);
  }

  @TestFactory
  Stream<DynamicTest> ncclExportHasNcclsShape() {
    return hosts().stream().map(h -> DynamicTest.dynamicTest(Fixtures.stem(h), () -> ncclShape(h)));
  }

  private static Document ncclShape(Path host) throws Exception {
    InProcess.Result r = InProcess.run("collect", "--of", "nccl-xml", "--fsroot", host.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("<system"), "NCCL refuses <?xml ...?>: " + r.out());
    assertFalse(r.out().contains("<?"), r.out());
    Document d = parse(r.out().getBytes(StandardCharsets.UTF_8));
    assertEquals("system", d.getDocumentElement().getTagName());
    return d;
  }

  /** The H200 host: the GPUs of our export are those NCCL 2.28.9 found there (its own dump). */
  @Test
  void ncclExportOfTheH200HostHasTheGpusNcclFound() throws Exception {
    Path dir = Fixtures.root().resolve("gpu-hosts");
    Document ours = ncclShape(dir.resolve("h200-passthrough.tar.bz2"));
    Document nccl = parse(Files.readAllBytes(dir.resolve("h200-passthrough.nccl-topo-dump.xml")));
    Set<String> gpus = gpuBusIds(ours);
    assertFalse(gpus.isEmpty());
    assertEquals(gpuBusIds(nccl), gpus);
  }

  @Test
  void jsonIsTheDefaultAndTheSameAsBefore() throws Exception {
    String host = Fixtures.sysfs("qemu-rig-iommu.tar.gz").toString();
    InProcess.Result plain = InProcess.run("collect", "--fsroot", host);
    InProcess.Result json = InProcess.run("collect", "--of", "json", "--fsroot", host);
    assertEquals(0, json.code(), json.err());
    assertEquals(plain.out(), json.out());
    assertEquals(1, ReportJson.read(json.out()).schemaVersion());
  }

  private static Set<String> gpuBusIds(Document d) {
    Set<String> out = new TreeSet<>();
    NodeList gpus = d.getElementsByTagName("gpu");
    for (int i = 0; i < gpus.getLength(); i++) {
      out.add(((Element) gpus.item(i).getParentNode()).getAttribute("busid"));
    }
    return out;
  }

  private static Report report(Path host) throws Exception {
    InProcess.Result r = InProcess.run("collect", "--fsroot", host.toString());
    assertEquals(0, r.code(), r.err());
    return ReportJson.read(r.out());
  }

  /** A parser that reads no DTD or entity: the hwloc export names hwloc2.dtd. */
  private static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setExpandEntityReferences(false);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
  }
}
