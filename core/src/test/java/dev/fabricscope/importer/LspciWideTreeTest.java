package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.TopologyCheck;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wide {@code lspci -tvnn} trees cost time in proportion to their size (fifteenth security review,
 * finding 4: each function without a {@code -vvv} block was compared with every other function,
 * 39-55 s for 63,744 functions before the 20,000-function limit refused them). The reviewer's input
 * shape ({@code gen/lspci_siblings_quadratic.sh}): N domains of 31 devices of 8 functions, each
 * with {@code [10de:2335]} and no {@code -vvv} block.
 */
class LspciWideTreeTest {

  /** The review script's text for {@code n} domains, with or without ids. */
  static String wide(int n, boolean ids) {
    StringBuilder out = new StringBuilder();
    for (int d = 0; d < n; d++) {
      out.append(String.format("-[%04x:00]-+-00.0  Intel Corporation Device [8086:0d57]%n", d));
      for (int dev = 1; dev < 32; dev++) {
        for (int f = 0; f < 8; f++) {
          out.append(String.format("           +-%02x.%d  NVIDIA Corporation Device", dev, f))
              .append(ids ? " [10de:2335]" : "")
              .append('\n');
        }
      }
    }
    return out.toString();
  }

  @Test
  void moreFunctionsThanTheLimitAreRefusedWhileTheTreeIsRead() {
    for (int n : new int[] {256, 512}) {
      String text = wide(n, true);
      long t0 = System.nanoTime();
      ImportException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(20),
              () -> assertThrows(ImportException.class, () -> LspciTextImporter.read(text, "w")));
      double s = (System.nanoTime() - t0) / 1e9;
      assertEquals(
          "w: too many PCI functions: more than "
              + TopologyCheck.MAX_FUNCTIONS
              + " in the lspci"
              + " tree",
          e.getMessage());
      System.out.printf("N=%d (%d functions): refused in %.3f s%n", n, n * 249, s);
      assertTrue(s < 5, "refused in " + s + " s");
    }
  }

  /** Just below the limit (15,872 functions, 3.7 s before): imported in linear time. */
  @Test
  void justBelowTheLimitImportsPromptly() throws Exception {
    String text = wide(64, true);
    long t0 = System.nanoTime();
    Report r =
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> LspciTextImporter.read(text, "w"));
    System.out.printf("N=64: %.3f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(64 * 249, r.pci().size());
  }

  /**
   * 2,000 two-function devices whose first function has a {@code -vvv} block and whose second has
   * none: every second function is classified from its own sibling, none from another device's.
   */
  @Test
  void manyUnnamedSiblingsAreEachClassifiedFromTheirOwnDevice() throws Exception {
    StringBuilder tree = new StringBuilder();
    StringBuilder vvv = new StringBuilder();
    for (int d = 0; d < 8; d++) {
      tree.append(String.format("-[%04x:00]-+-00.0  Intel Corporation Device [8086:0d57]%n", d));
      for (int dev = 1; dev < 32; dev++) {
        for (int f = 0; f < 8; f++) {
          String ids = f < 4 ? "[15b3:1021]" : "[10de:2335]"; // two siblings groups per device
          tree.append(String.format("           +-%02x.%d  Device %s%n", dev, f, ids));
          if (f == 0 || f == 4) {
            String cls = f == 0 ? "Ethernet controller [0200]" : "3D controller [0302]";
            vvv.append(
                String.format("%04x:00:%02x.%d %s: Vendor Device %s%n%n", d, dev, f, cls, ids));
          }
        }
      }
    }
    Report r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> LspciTextImporter.read(tree + "\n" + vvv, "siblings"));
    Map<String, String> classes = new HashMap<>();
    r.pci().forEach(f -> classes.put(f.bdf(), f.classCode()));
    for (PciFunction f : r.pci()) {
      if (f.bdf().endsWith(":00.0")) {
        continue; // the host bridges
      }
      String bdf = f.bdf();
      int fn = bdf.charAt(bdf.length() - 1) - '0';
      String own = classes.get(bdf.substring(0, bdf.length() - 1) + (fn < 4 ? 0 : 4));
      assertNotNull(own, bdf);
      assertEquals(own, f.classCode(), bdf);
    }
    assertNotEquals(classes.get("0000:00:01.0"), classes.get("0000:00:01.4"));
  }
}
