package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * prometheus/procfs' test tree: link speed/width, InfiniBand port attributes and NVMe identity are
 * what the archive's files say. The expected values are read here with java.nio from the unpacked
 * tree, not through fabricscope's readers.
 */
class ProcfsFixtureTest {

  private static ArchiveExtractor.Unpacked unpacked;
  private static Report report;

  @BeforeAll
  static void discover() throws Exception {
    unpacked = ArchiveExtractor.extract(Fixtures.sysfs("procfs-fixtures.tar.gz"));
    report = new SysfsDiscovery().discover(unpacked.sysfsRoot());
  }

  @AfterAll
  static void cleanUp() {
    if (unpacked != null) {
      unpacked.close();
    }
  }

  /**
   * A one-value sysfs attribute: the file's first line as the kernel wrote it (mlx4_0's link_layer
   * in this tree ends in a blank line), or null when the file is absent.
   */
  private static String file(Path p) throws IOException {
    if (!Files.isRegularFile(p)) {
      return null;
    }
    String s = Files.readString(p, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static List<Path> children(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static final Pattern SPEED = Pattern.compile("([0-9.]+) GT/s( PCIe)?");

  private static LinkState expectedLink(Path dev, String speedFile, String widthFile)
      throws IOException {
    String speed = file(dev.resolve(speedFile));
    if (speed == null) {
      return null;
    }
    Matcher m = SPEED.matcher(speed);
    Double gts = m.matches() ? Double.valueOf(m.group(1)) : null;
    String width = file(dev.resolve(widthFile));
    return new LinkState(gts, width == null ? null : Integer.valueOf(width.trim()));
  }

  @Test
  void linkSpeedAndWidthPerFunction() throws IOException {
    Map<String, PciFunction> byBdf = byKey(report.pci(), PciFunction::bdf);
    List<Path> devices = children(unpacked.root().resolve("sys/bus/pci/devices"));
    assertFalse(devices.isEmpty());
    for (Path entry : devices) {
      String bdf = entry.getFileName().toString();
      Path dev = entry.toRealPath(); // every entry is a relative link inside the archive
      PciFunction f = byBdf.get(bdf);
      assertNotNull(f, bdf + " missing from the report");
      LinkState cur = expectedLink(dev, "current_link_speed", "current_link_width");
      LinkState max = expectedLink(dev, "max_link_speed", "max_link_width");
      assertNotNull(cur, bdf + ": the fixture has link files");
      assertNotNull(f.link(), bdf + ": no link reported");
      assertEquals(cur, f.link().current(), bdf + " current link");
      assertEquals(max, f.link().max(), bdf + " max link");
    }
  }

  @Test
  void infinibandPortsAsTheFilesSay() throws IOException {
    Map<String, RdmaDevice> byName = byKey(report.rdma(), RdmaDevice::name);
    List<Path> devices = children(unpacked.root().resolve("sys/class/infiniband"));
    assertEquals(
        devices.stream().map(p -> p.getFileName().toString()).sorted().toList(),
        new ArrayList<>(byName.keySet()));
    for (Path dev : devices) {
      String name = dev.getFileName().toString();
      RdmaDevice d = byName.get(name);
      Map<Integer, RdmaDevice.Port> ports = byKey(d.ports(), RdmaDevice.Port::port);
      List<Path> portDirs = children(dev.resolve("ports"));
      assertEquals(portDirs.size(), ports.size(), name + " port count");
      for (Path pd : portDirs) {
        int num = Integer.parseInt(pd.getFileName().toString());
        RdmaDevice.Port p = ports.get(num);
        String where = name + " port " + num;
        assertNotNull(p, where + " missing");
        String state = file(pd.resolve("state"));
        assertEquals(code(state), p.stateCode(), where + " state code");
        assertEquals(label(state), p.state(), where + " state");
        String phys = file(pd.resolve("phys_state"));
        assertEquals(code(phys), p.physStateCode(), where + " phys_state code");
        assertEquals(label(phys), p.physState(), where + " phys_state");
        String rate = file(pd.resolve("rate"));
        assertEquals(rate, p.rate(), where + " rate");
        assertEquals(Double.valueOf(rate.substring(0, rate.indexOf(' '))), p.rateGbps(), where);
        assertEquals(file(pd.resolve("link_layer")), p.linkLayer(), where + " link_layer");
      }
    }
  }

  /** {@code "4: ACTIVE"} → 4. */
  private static Integer code(String s) {
    return s == null ? null : Integer.valueOf(s.substring(0, s.indexOf(':')).trim());
  }

  /** {@code "4: ACTIVE"} → ACTIVE. */
  private static String label(String s) {
    return s == null ? null : s.substring(s.indexOf(':') + 1).trim();
  }

  @Test
  void providersInTheReportJson() throws IOException {
    JsonNode json = ReportJson.mapper().readTree(ReportJson.write(report));
    Map<String, String> providers = new TreeMap<>();
    json.get("rdma")
        .forEach(d -> providers.put(d.get("name").asText(), d.get("provider").asText()));
    // hfi1 is an rdmavt driver: the CPU moves the data, never P2P (p2p-rules.md §2.6)
    assertEquals(Map.of("hfi1_0", "rdmavt", "mlx4_0", "hardware", "mlx5_0", "hardware"), providers);
  }

  @Test
  void nvmeIdentityAsTheFilesSay() throws IOException {
    Map<String, NvmeController> byName = byKey(report.nvme(), NvmeController::name);
    List<Path> ctrls = children(unpacked.root().resolve("sys/class/nvme"));
    assertEquals(
        ctrls.stream().map(p -> p.getFileName().toString()).sorted().toList(),
        new ArrayList<>(byName.keySet()));
    for (Path c : ctrls) {
      NvmeController n = byName.get(c.getFileName().toString());
      // sysfs pads model and serial with spaces; the report documents them trimmed
      assertEquals(trimmed(c.resolve("model")), n.model(), n.name() + " model");
      assertEquals(trimmed(c.resolve("serial")), n.serial(), n.name() + " serial");
      assertEquals(trimmed(c.resolve("firmware_rev")), n.firmware(), n.name() + " firmware");
      // absent in this fixture: then the transport must be unknown, not guessed
      assertEquals(trimmed(c.resolve("transport")), n.transport(), n.name() + " transport");
    }
  }

  private static String trimmed(Path p) throws IOException {
    String s = file(p);
    return s == null ? null : s.trim();
  }

  private static <K, V> Map<K, V> byKey(List<V> list, Function<V, K> key) {
    return list.stream().collect(Collectors.toMap(key, v -> v, (a, b) -> a, TreeMap::new));
  }
}
