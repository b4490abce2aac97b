package dev.fabricscope.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * NCCL topology XML of hosts imported from hwloc XML: {@code link_speed} and {@code link_width}
 * against the hwloc file itself (its {@code pci_link_speed}, GB/s of the current link), read with
 * hwloc's own arithmetic and NCCL's own table:
 *
 * <ul>
 *   <li>every speed written is one NCCL's {@code kvDictPciGen} knows (NCCL 2.28.9, topo.cc: an
 *       unknown string falls back to 8 GT/s, "KV Convert to int : could not find value");
 *   <li>the speed and width written give back the file's value by hwloc 2.9's arithmetic, from
 *       config space ({@code hwloc_pcidisc_find_linkspeed}, pci-common.c) or from the kernel's
 *       {@code current_link_speed} string ({@code hwloc_linux_pci_link_speed_from_string}, misc.h),
 *       both transcribed below;
 *   <li>a function left without speed has no value in the file, or one that no speed of NCCL's
 *       table and lane count gives back (hwloc versions that computed otherwise).
 * </ul>
 *
 * And on the two hosts where more is known: the H200, whose NCCL dump (NCCL 2.28.9 on that host)
 * and lstopo XML (lstopo 2.9.0 on that host) are both fixtures, and the DGX-2's V100s (PCIe 3.0 ×16
 * parts).
 */
class NcclLinkSpeedFromHwlocTest {

  /** NCCL 2.28.9 src/graph/topo.cc {@code kvDictPciGen}, in its order: x100 Mb/s per lane. */
  private static final Map<String, Integer> NCCL_PCI_GEN = new LinkedHashMap<>();

  static {
    String[] keys = {
      "2.5 GT/s", "5 GT/s", "8 GT/s", "16 GT/s", "32 GT/s",
      "2.5 GT/s PCIe", "5.0 GT/s PCIe", "8.0 GT/s PCIe", "16.0 GT/s PCIe", "32.0 GT/s PCIe",
      "64.0 GT/s PCIe"
    };
    int[] values = {15, 30, 60, 120, 240, 15, 30, 60, 120, 240, 480};
    for (int i = 0; i < keys.length; i++) {
      NCCL_PCI_GEN.put(keys[i], values[i]);
    }
  }

  /** NCCL's {@code kvConvertToInt}: the first key that prefixes the string; null = fallback. */
  private static String ncclKey(String speed) {
    for (String k : NCCL_PCI_GEN.keySet()) {
      if (speed.startsWith(k)) {
        return k;
      }
    }
    return null;
  }

  /**
   * The kernel's strings for a rate: ≤ 5.6 ({@code "8 GT/s"}) and ≥ 5.7 ({@code "8.0 GT/s PCIe"}).
   */
  private static List<String> kernelStrings(double gts) {
    String old = gts == Math.rint(gts) ? String.valueOf((long) gts) : String.valueOf(gts);
    return List.of(old + " GT/s", String.format(java.util.Locale.ROOT, "%.1f GT/s PCIe", gts));
  }

  /** hwloc 2.9 pci-common.c {@code hwloc_pcidisc_find_linkspeed}: LnkSta speed code and width. */
  private static double hwlocFromConfig(int gen, int width) {
    double lanespeed;
    if (gen <= 2) {
      lanespeed = 2.5f * gen * 0.8f;
    } else if (gen <= 5) {
      lanespeed = 8.0f * (1 << (gen - 3)) * 128 / 130;
    } else {
      lanespeed = 8.0f * (1 << (gen - 3)) * 242 / 256;
    }
    return lanespeed * width / 8;
  }

  /** hwloc 2.9 misc.h {@code hwloc_linux_pci_link_speed_from_string} times the width, / 8. */
  private static double hwlocFromSysfs(String speed, int width) {
    double lanespeed;
    if (speed.startsWith("2.5 ")) {
      lanespeed = 2.5 * .8;
    } else if (speed.startsWith("5 ")) {
      lanespeed = 5 * .8;
    } else {
      lanespeed = Double.parseDouble(speed.substring(0, speed.indexOf(' '))) * 128. / 130;
    }
    return lanespeed * width / 8;
  }

  /** Whether hwloc computes {@code gbps} for this NCCL speed string and width, either way. */
  private static boolean hwlocGives(String ncclSpeed, int width, double gbps) {
    double gts = Double.parseDouble(ncclSpeed.substring(0, ncclSpeed.indexOf(' ')));
    int gen = List.of(2.5, 5.0, 8.0, 16.0, 32.0, 64.0).indexOf(gts) + 1; // LnkSta speed code
    assertTrue(gen > 0, ncclSpeed);
    List<Double> ways = new ArrayList<>();
    ways.add(hwlocFromConfig(gen, width));
    kernelStrings(gts).forEach(s -> ways.add(hwlocFromSysfs(s, width)));
    return ways.stream().anyMatch(v -> Math.abs(v - gbps) <= 1e-4);
  }

  /** Every hwloc XML fixture written by hwloc on a real machine. */
  static List<Path> hwlocFiles() throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(Fixtures.root().resolve("hwloc-xml"))) {
      s.filter(p -> p.toString().endsWith(".xml")).sorted().forEach(files::add);
    }
    try (Stream<Path> s = Files.list(Fixtures.root().resolve("sysfs"))) {
      s.filter(
              p ->
                  p.toString().endsWith(".expected.xml")
                      || p.toString().endsWith(".lstopo-whole-io.xml"))
          .sorted()
          .forEach(files::add);
    }
    files.add(Fixtures.root().resolve("gpu-hosts/h200-passthrough.lstopo-whole-io.xml"));
    return files;
  }

  private static final AtomicInteger DERIVED = new AtomicInteger();

  @TestFactory
  Stream<DynamicTest> linkSpeedAndWidthAgreeWithTheHwlocFile() throws Exception {
    List<Path> files = hwlocFiles();
    assertTrue(files.size() >= 17, "hwloc XML fixtures present: " + files.size());
    Stream<DynamicTest> each =
        files.stream()
            .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    // after all files: the point is made on many functions, not on a few
    return Stream.concat(
        each,
        Stream.of(
            DynamicTest.dynamicTest(
                "speeds were derived",
                () -> assertTrue(DERIVED.get() >= 50, "functions with a speed: " + DERIVED))));
  }

  private static void check(Path file) throws Exception {
    Map<String, Double> hwloc = new TreeMap<>();
    for (Element e : elements(Files.readString(file), "object")) {
      if (e.hasAttribute("pci_busid") && e.hasAttribute("pci_link_speed")) {
        hwloc.put(
            e.getAttribute("pci_busid").toLowerCase(),
            Double.parseDouble(e.getAttribute("pci_link_speed")));
      }
    }
    String nccl = NcclXmlExporter.write(Importers.load(file));
    for (Element p : elements(nccl, "pci")) {
      String busid = p.getAttribute("busid");
      Double gbps = hwloc.get(busid);
      String speed = p.getAttribute("link_speed");
      int width = Integer.parseInt(p.getAttribute("link_width"));
      String where = file.getFileName() + " " + busid + " (hwloc " + gbps + " GB/s)";
      if (!speed.isEmpty()) {
        assertNotNull(ncclKey(speed), where + ": NCCL does not know " + speed);
        assertNotNull(gbps, where + ": a speed the file does not give");
        assertTrue(width > 0, where);
        assertTrue(
            hwlocGives(speed, width, gbps),
            where + ": hwloc does not compute " + gbps + " for " + speed + " x" + width);
        DERIVED.incrementAndGet();
      } else {
        assertEquals(0, width, where);
        boolean decodable = false;
        for (String s : NCCL_PCI_GEN.keySet()) {
          for (int w : new int[] {1, 2, 4, 8, 12, 16, 32}) {
            decodable |= gbps != null && gbps > 0 && hwlocGives(s, w, gbps);
          }
        }
        assertFalse(decodable, where + ": the file's value has a reading, none was written");
      }
    }
  }

  /**
   * The H200 host: its GPU (PCIe 5.0 ×16, directly on the VM's root bus) exported from lstopo's XML
   * of that host gets the speed NCCL's own dump of that host has, and the bandwidth NCCL computes
   * from it ({@code width × speed / 80}; the dump's width 0 reads as 16) is the same.
   */
  @Test
  void theH200GpuLinkIsWhatNcclSawOnThatHost() throws Exception {
    Path dir = Fixtures.root().resolve("gpu-hosts");
    String dump = Files.readString(dir.resolve("h200-passthrough.nccl-topo-dump.xml"));
    String ours =
        NcclXmlExporter.write(Importers.load(dir.resolve("h200-passthrough.lstopo-whole-io.xml")));
    Element theirs = byBusid(dump, "0000:00:06.0");
    Element mine = byBusid(ours, "0000:00:06.0");
    assertEquals(theirs.getAttribute("link_speed"), mine.getAttribute("link_speed"));
    assertEquals(ncclGBps(theirs), ncclGBps(mine), 1e-9);
  }

  /**
   * The DGX-2's 16 Tesla V100-SXM3 are PCIe 3.0 ×16 parts; hwloc wrote 15.753846 GB/s for each (8
   * GT/s ×16, or 16 GT/s ×8, or 32 GT/s ×4: the ×16 reading is written).
   */
  @Test
  void dgx2GpusAreGen3x16() throws Exception {
    Path f = Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml");
    String nccl = NcclXmlExporter.write(Importers.load(f));
    int gpus = 0;
    for (Element p : elements(nccl, "pci")) {
      if (p.getElementsByTagName("gpu").getLength() > 0
          && p.getAttribute("class").equals("0x030200")) {
        assertEquals("8.0 GT/s PCIe", p.getAttribute("link_speed"), p.getAttribute("busid"));
        assertEquals("16", p.getAttribute("link_width"), p.getAttribute("busid"));
        gpus++;
      }
    }
    assertEquals(16, gpus);
  }

  /** NCCL 2.28.9 {@code ncclTopoAddPci}: {@code width*speed/80.0} GB/s, width 0 read as 16. */
  private static double ncclGBps(Element pci) {
    int width = Integer.parseInt(pci.getAttribute("link_width"));
    String key = ncclKey(pci.getAttribute("link_speed"));
    int speed = key == null ? 60 : NCCL_PCI_GEN.get(key);
    return (width == 0 ? 16 : width) * speed / 80.0;
  }

  private static Element byBusid(String xml, String busid) {
    return elements(xml, "pci").stream()
        .filter(e -> e.getAttribute("busid").equals(busid))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pci " + busid));
  }

  private static List<Element> elements(String xml, String tag) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setExpandEntityReferences(false);
      NodeList nodes =
          f.newDocumentBuilder()
              .parse(new InputSource(new StringReader(xml)))
              .getElementsByTagName(tag);
      List<Element> out = new ArrayList<>();
      for (int i = 0; i < nodes.getLength(); i++) {
        out.add((Element) nodes.item(i));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
