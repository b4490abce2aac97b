package dev.fabricscope.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Lstopo;
import dev.fabricscope.topology.CpuBounds;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPU masks as hwloc writes them, and an export at the report's CPU bound (eleventh security
 * review, finding 1: a mask that wrote every 32-bit word in full made the objects of N CPUs cost 11
 * N²/32 characters each, and an export of 32,768 CPUs took the heap). The oracle is hwloc's own
 * {@code hwloc-calc}, which reads a mask and prints it back in its canonical form.
 */
class HwlocCpuMasksTest {

  @TempDir Path tmp;

  /** hwloc-calc on a machine of 320 PUs, printing {@code mask} as hwloc writes it. */
  private static String hwlocCalc(String mask) throws Exception {
    Path calc = Lstopo.binary().resolveSibling("hwloc-calc");
    Process p =
        new ProcessBuilder(List.of(calc.toString(), "-i", "pack:1 pu:320", mask))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "hwloc-calc " + mask);
    return out;
  }

  @Test
  void masksAreWhatHwlocWrites() throws Exception {
    SplittableRandom r = new SplittableRandom(320);
    List<BitSet> sets = new ArrayList<>();
    for (int bit : new int[] {0, 31, 32, 63, 64, 95, 96, 255, 319}) {
      BitSet one = new BitSet();
      one.set(bit);
      sets.add(one);
    }
    BitSet ends = new BitSet();
    ends.set(0);
    ends.set(319);
    sets.add(ends);
    for (int i = 0; i < 40; i++) {
      BitSet s = new BitSet();
      int top = 1 + r.nextInt(320);
      double density = r.nextInt(3) == 0 ? 0.01 : r.nextDouble();
      for (int b = 0; b < top; b++) {
        if (r.nextDouble() < density) {
          s.set(b);
        }
      }
      if (s.isEmpty()) {
        s.set(top - 1);
      }
      sets.add(s);
    }
    for (BitSet s : sets) {
      String ours = ExportSupport.mask(s, true);
      assertEquals(hwlocCalc(ours), ours, s.toString());
    }
    assertEquals("0x0", ExportSupport.mask(new BitSet(), true));
  }

  /**
   * A node of every CPU the report check allows (0-16383): the export stays under 24 MB (about
   * N²/64 characters per mask kind; with full words it was 190 MB) and lstopo loads all 16,384 PUs.
   */
  @Test
  void anExportAtTheCpuBoundIsBoundedAndLoads() throws Exception {
    Report ok = SyntheticHosts.nestedSwitches("wide", 2);
    int cpus = CpuBounds.MAX_CPUS;
    Report r =
        ok.withHost(
            ok.host()
                .withCpu(new Host.Cpu("GenuineIntel", 6, 143, "wide", cpus))
                .withNumaNodes(List.of(new Host.NumaNode(0, "0-" + (cpus - 1), null))));
    String xml = HwlocXmlExporter.write(r);
    assertTrue(xml.length() < 24_000_000, xml.length() + " characters");
    Path file = tmp.resolve("wide.xml");
    Files.writeString(file, xml);
    Lstopo.Result seen = Lstopo.load(file, tmp);
    int pus = 0;
    for (int i = seen.xml().indexOf("type=\"PU\"");
        i >= 0;
        i = seen.xml().indexOf("type=\"PU\"", i + 1)) {
      pus++;
    }
    assertEquals(cpus, pus, "PUs lstopo loaded");
  }
}
