package dev.fabricscope.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Our NCCL topology XML against NCCL's own files, element by element ({@link NcclXmlDiff}): the
 * H200 host discovered from its gathered tree against NCCL 2.28.9's own {@code NCCL_TOPO_DUMP_FILE}
 * of that host (fixtures README "gpu-hosts/"), and every NCCL topology fixture imported and
 * exported again against itself. What cannot be known from a host's sysfs tree or an imported file
 * is listed in {@link #RESERVED}, each with its reason; everything else must be equal.
 */
class NcclXmlGoldenTest {

  /**
   * Attributes and elements NCCL fills at run time, from sources a topology report does not hold.
   */
  static final NcclXmlDiff.Reserved RESERVED =
      new NcclXmlDiff.Reserved(
          Map.of(
              "cpu@host_hash",
              "NCCL's hash of the host name and boot id of the running process (getHostHash):"
                  + " an identity of the run, not of the topology",
              "gpu@sm",
              "CUDA compute capability: NCCL asks CUDA/NVML; a sysfs tree does not hold it, so the"
                  + " export leaves it out (NCCL fills a missing sm from the local GPU)",
              "cpu/nic",
              "nets not on PCI under a cpu: the interfaces of the network plugin NCCL loaded at run"
                  + " time (the Socket fallback listed eth0 on the H200 host, which has no RDMA"
                  + " device); which plugin loads is not a property of the tree",
              "pci/gpu",
              "NCCL adds the gpu element of every local GPU itself (ncclTopoFillGpu, xml.cc) when"
                  + " a file has none: the AWS and Azure files leave it out, a dump has it",
              "net@latency",
              "network plugin property (ncclNetProperties_t.latency) at run time",
              "net@maxconn",
              "network plugin property (ncclNetProperties_t.maxComms) at run time",
              "net@gdr",
              "GPUDirect RDMA support as the network plugin reports it at run time (needs the"
                  + " nvidia-peermem / dma-buf check of the loaded plugin)",
              "net@guid",
              "the plugin's GUID: for Socket nets NCCL writes 0x0, for IB the port GUID, which a"
                  + " file without it cannot give"));

  @Test
  void h200AsNcclDumpsIt() throws Exception {
    Path dir = Fixtures.root().resolve("gpu-hosts");
    Report h200;
    try (var u = ArchiveExtractor.extract(dir.resolve("h200-passthrough.tar.bz2"))) {
      h200 = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    String dump = Files.readString(dir.resolve("h200-passthrough.nccl-topo-dump.xml"));
    String ours = NcclXmlExporter.write(h200);
    List<String> diff = NcclXmlDiff.diff(dump, ours, RESERVED);
    assertEquals(List.of(), diff, ours);
  }

  @TestFactory
  Stream<DynamicTest> everyNcclFixtureExportsAsItsOriginal() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Fixtures.root().resolve("nccl-xml"))) {
      files = s.filter(p -> p.toString().endsWith("-topo.xml")).sorted().toList();
    }
    assertTrue(files.size() >= 8, "NCCL fixtures present: " + files);
    return files.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.getFileName().toString(),
                    () -> {
                      String original = Files.readString(f);
                      String ours = NcclXmlExporter.write(Importers.load(f));
                      assertEquals(List.of(), NcclXmlDiff.diff(original, ours, RESERVED), ours);
                    }));
  }
}
