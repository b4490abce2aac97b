package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.Report;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * hwloc and NCCL XML made to exhaust the importers (the review of 2026-12-06): nesting that would
 * overflow their recursive walks, CPU masks that would expand to millions of CPUs, numbers that are
 * not numbers, files of many tags. Each is refused with one line or imported with a diagnostic,
 * quickly, and never escapes as anything but an {@link ImportException}; a seeded generator makes
 * thousands more from the real fixtures.
 */
class HostileXmlTest {

  private static final String HWLOC_HEAD =
      "<?xml version=\"1.0\"?>\n<topology version=\"2.0\">"
          + "<object type=\"Machine\" os_index=\"0\" cpuset=\"0x000000ff\">"
          + "<info name=\"HostName\" value=\"hostile\"/>";
  private static final String HWLOC_TAIL = "</object></topology>";

  private static Report imported(String xml) throws ImportException {
    return Importers.parse(xml.getBytes(StandardCharsets.UTF_8), "hostile.xml");
  }

  private static ImportException refused(String xml) {
    ImportException e = assertThrows(ImportException.class, () -> imported(xml));
    assertTrue(e.getMessage().startsWith("hostile.xml: "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getCause() instanceof RuntimeException, "an importer crashed: " + e.getCause());
    return e;
  }

  @Test
  void hwlocObjectsNestedDeeperThanTheLimitAreRefusedByTheParser() {
    int depth = 20_000;
    String xml =
        HWLOC_HEAD
            + "<object type=\"Misc\">".repeat(depth)
            + "</object>".repeat(depth)
            + HWLOC_TAIL;
    assertTrue(refused(xml).getMessage().contains("malformed XML"));
  }

  @Test
  void ncclPciNestedDeeperThanTheLimitIsRefusedByTheParser() {
    int depth = 20_000;
    String xml =
        "<system version=\"1\"><cpu numaid=\"0\" affinity=\"ff\" arch=\"x86_64\">"
            + "<pci busid=\"0000:01:00.0\" class=\"0x060400\" link_speed=\"16 GT/s\" link_width=\"16\">"
                .repeat(depth)
            + "</pci>".repeat(depth)
            + "</cpu></system>";
    refused(xml);
  }

  @Test
  void nestingUpToTheLimitStillImports() throws Exception {
    int depth = SafeXml.MAX_DEPTH - 4; // topology, Machine and the head's own elements
    String xml =
        HWLOC_HEAD
            + "<object type=\"Misc\">".repeat(depth)
            + "</object>".repeat(depth)
            + HWLOC_TAIL;
    assertEquals("hostile", imported(xml).host().name());
  }

  @Test
  void aMaskOfAMillionWordsIsUnknownNotMillionsOfCpus() throws Exception {
    String mask = "0xffffffff,".repeat(1_000_000) + "0xffffffff";
    String xml =
        HWLOC_HEAD
            + "<object type=\"NUMANode\" os_index=\"0\" cpuset=\""
            + mask
            + "\" local_memory=\"1024\"/>"
            + HWLOC_TAIL;
    Report r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> imported(xml));
    Host.NumaNode node = r.host().numaNodes().get(0);
    assertEquals("", node.cpulist(), "a mask no machine has is no CPUs we know of");
    assertNull(ImportSupport.cpulist(mask));
    assertEquals("0-32767", ImportSupport.cpulist("ffffffff,".repeat(1023) + "ffffffff"));
  }

  @Test
  void aNumaNodeWhoseIndexIsNoNumberIsSkippedWithADiagnostic() throws Exception {
    String xml =
        HWLOC_HEAD
            + "<object type=\"NUMANode\" os_index=\"zz\" cpuset=\"0xff\"/>"
            + "<object type=\"NUMANode\" os_index=\"99999999999\" cpuset=\"0xff\"/>"
            + HWLOC_TAIL;
    Report r = imported(xml);
    assertTrue(r.host().numaNodes().isEmpty(), r.host().numaNodes().toString());
    assertEquals(2, count(r, "is not a number: skipped"), r.diagnostics().toString());
  }

  @Test
  void aBandwidthMatrixWithWordsForNumbersIsSkippedWithADiagnostic() throws Exception {
    String xml =
        HWLOC_HEAD
            + "</object><distances2 type=\"OSDev\" nbobjs=\"2\" kind=\"5\""
            + " name=\"NVLinkBandwidth\" indexing=\"gp\"><indexes length=\"4\">1 2 </indexes>"
            + "<u64values length=\"8\">0 x y 0 </u64values></distances2></topology>";
    Report r = imported(xml);
    assertEquals(1, count(r, "is no bandwidth: skipped"), r.diagnostics().toString());
  }

  @Test
  void filesOfTooManyTagsOrBytesAreRefusedBeforeParsing() {
    assertTrue(
        refused("<topology>" + "<a/>".repeat(SafeXml.MAX_TAGS) + "</topology>")
            .getMessage()
            .contains("more than " + SafeXml.MAX_TAGS + " XML tags"));
    String big = "<topology>" + " ".repeat(SafeXml.MAX_BYTES) + "</topology>";
    assertTrue(refused(big).getMessage().contains("XML limit"));
  }

  /**
   * Thousands of files made from the real hwloc and NCCL fixtures by cutting, repeating and
   * rewriting their parts: nesting, masks, numbers and names. None may escape as anything but an
   * {@link ImportException} from the format's own checks, and none may take long.
   */
  @Test
  void generatedHostileFilesAreImportedOrRefusedCleanly() throws Exception {
    String[] seeds = {
      Files.readString(Fixtures.root().resolve("hwloc-xml/devel09-pci.xml")),
      Files.readString(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml")),
      Files.readString(Fixtures.root().resolve("nccl-xml/azure-ndv2-topo.xml")),
    };
    String[] values = {
      "zz",
      "-1",
      "99999999999",
      "0x",
      "ffffffff,".repeat(5000) + "ff",
      "\u001b[2J",
      "",
      "1e9",
      "0000:zz:00.0",
      "18446744073709551616",
      "f...f",
      ",,,,",
      "0x" + "f".repeat(40),
    };
    SplittableRandom rnd = new SplittableRandom(20261206);
    int imported = 0;
    int refused = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 1500; i++) {
      String xml = mutate(seeds[i % seeds.length], values, rnd);
      try {
        assertNotNull(imported(xml));
        imported++;
      } catch (ImportException e) {
        assertFalse(
            e.getCause() instanceof RuntimeException, "#" + i + ": an importer crashed: " + e);
        refused++;
      }
    }
    assertTrue(imported > 300 && refused > 100, imported + " imported, " + refused + " refused");
    assertTrue(System.nanoTime() - start < 120e9, "generated files took over two minutes");
  }

  /** One to three changes: an attribute value replaced, an element nested in itself, a cut. */
  private static String mutate(String xml, String[] values, SplittableRandom rnd) {
    String out = xml;
    for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
      switch (rnd.nextInt(4)) {
        case 0, 1 -> {
          int q = out.indexOf("=\"", rnd.nextInt(out.length()));
          int end = q < 0 ? -1 : out.indexOf('"', q + 2);
          if (end > 0) {
            out = out.substring(0, q + 2) + values[rnd.nextInt(values.length)] + out.substring(end);
          }
        }
        case 2 -> {
          int open = out.indexOf("<object ", rnd.nextInt(out.length()));
          if (open < 0) {
            open = out.indexOf("<pci ", rnd.nextInt(out.length()));
          }
          int gt = open < 0 ? -1 : out.indexOf('>', open);
          if (gt > 0) {
            String tag = out.startsWith("<pci ", open) ? "pci" : "object";
            String head = out.substring(open, gt + 1).replace("/>", ">");
            int n = 1 + rnd.nextInt(400);
            out =
                out.substring(0, open)
                    + head.repeat(n)
                    + ("</" + tag + ">").repeat(n)
                    + out.substring(open);
          }
        }
        default -> out = out.substring(0, rnd.nextInt(out.length()));
      }
    }
    return out;
  }

  private static long count(Report r, String words) {
    return r.diagnostics().stream().map(Diagnostic::reason).filter(m -> m.contains(words)).count();
  }

  private static void assertNull(Object o) {
    assertEquals(null, o);
  }
}
