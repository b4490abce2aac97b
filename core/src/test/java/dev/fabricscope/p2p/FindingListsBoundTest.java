package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every finding lists at most {@link FleetFindings#MAX_DEVICES_LISTED} devices and holds texts of
 * at most {@link FindingBounds#MAX_TEXT} characters (fifteenth security review: one {@code
 * LINK_SPEED_BELOW_CAPABLE} finding listed all 19,800 slow links of a valid report, and the ACS and
 * software RDMA rules joined every name into their texts).
 */
class FindingListsBoundTest {

  static Report slowLinks(int n) {
    FabricDsl b = FabricDsl.host().hostBridge("pci0000:00", "0x8086", "0x2020", 0);
    for (int i = 0; i < n; i++) {
      String rp = String.format("0000:00:%02x.%d", (i / 8) % 32, i % 8);
      if (i < 256) {
        b.rootPort(rp, "pci0000:00", 0);
      }
      String dev = String.format("%04x:01:00.0", i + 1);
      b.nvme(dev, String.format("0000:00:%02x.%d", ((i % 256) / 8) % 32, i % 8));
      b.link(dev, 2.5, 4, 8.0, 4);
    }
    return b.build();
  }

  static Report acsPorts(int n) {
    FabricDsl b =
        FabricDsl.host()
            .hostBridge("pci0000:00", "0x8086", "0x2020", 0)
            .rootPort("0000:00:01.0", "pci0000:00", 0)
            .switchUp("0000:01:00.0", "0000:00:01.0");
    for (int i = 0; i < n; i++) {
      String down = String.format("%04x:02:%02x.%d", i / 256, (i % 256) / 8, i % 8);
      b.switchDown(down, "0000:01:00.0").redirect(down);
    }
    return b.build();
  }

  static Report softwareRdma(int software, int hardware) {
    FabricDsl b =
        FabricDsl.host()
            .hostBridge("pci0000:00", "0x8086", "0x2020", 0)
            .rootPort("0000:00:01.0", "pci0000:00", 0);
    for (int i = 0; i < hardware; i++) {
      b.nic(String.format("%04x:01:00.0", i + 1), "0000:00:01.0", "mlx5_" + i);
    }
    for (int i = 0; i < software; i++) {
      b.rdma("rxe" + i, null, RdmaDevice.Provider.SOFTWARE);
    }
    return b.build();
  }

  private static Finding only(List<Finding> all, String rule) {
    List<Finding> of = all.stream().filter(f -> f.rule().equals(rule)).toList();
    assertEquals(1, of.size(), rule + ": " + of.size());
    return of.get(0);
  }

  static void assertBounded(Finding f) {
    assertTrue(f.devices().size() <= FleetFindings.MAX_DEVICES_LISTED, f.rule());
    assertTrue(f.message().length() <= FindingBounds.MAX_TEXT, f.rule() + ": " + f.message());
    assertTrue(f.fix() == null || f.fix().length() <= FindingBounds.MAX_TEXT, f.fix());
  }

  @Test
  void twentyThousandSlowLinksAreOneFindingOf256Devices() {
    Finding f = only(FleetFindings.forHost("slow", slowLinks(20_000)), "LINK_SPEED_BELOW_CAPABLE");
    assertBounded(f);
    assertEquals(FleetFindings.MAX_DEVICES_LISTED, f.devices().size());
    assertEquals(1, f.count(), "one finding; its text counts the links");
    assertTrue(f.message().startsWith("20000 link(s) below capable speed"), f.message());
    assertTrue(f.message().endsWith("(20000 devices, the first 256 listed)"), f.message());
    assertEquals("0001:01:00.0", f.devices().get(0));
  }

  @Test
  void thousandsOfRedirectingPortsAreNamedByTheFirstFew() {
    Finding f = only(FleetFindings.forHost("acs", acsPorts(3000)), "ACS_REDIRECT_SWITCH_PORT");
    assertBounded(f);
    assertEquals(FleetFindings.MAX_DEVICES_LISTED, f.devices().size());
    assertTrue(f.message().startsWith("3000 switch downstream port(s)"), f.message());
    assertTrue(f.fix().contains("and " + (3000 - FindingBounds.NAMED) + " more"), f.fix());
    assertTrue(f.fix().length() < 400, f.fix());
    // a few ports: the whole parameter, ready to paste
    Finding few = only(FleetFindings.forHost("acs", acsPorts(3)), "ACS_REDIRECT_SWITCH_PORT");
    assertTrue(
        few.fix().startsWith("pci=disable_acs_redir=0000:02:00.0;0000:02:00.1;0000:02:00.2 "),
        few.fix());
  }

  @Test
  void manySoftwareAndHardwareRdmaDevicesAreNamedByTheFirstFew() {
    Finding f =
        only(FleetFindings.forHost("rdma", softwareRdma(5000, 300)), "SOFTWARE_RDMA_WITH_HARDWARE");
    assertBounded(f);
    assertEquals(FleetFindings.MAX_DEVICES_LISTED, f.devices().size());
    assertTrue(f.message().contains("and " + (5000 - FindingBounds.NAMED) + " more"), f.message());
    assertTrue(f.message().contains("and " + (300 - FindingBounds.NAMED) + " more"), f.message());
    assertTrue(f.message().endsWith("(5000 devices, the first 256 listed)"), f.message());
    Finding one =
        only(FleetFindings.forHost("r", softwareRdma(1, 1)), "SOFTWARE_RDMA_WITH_HARDWARE");
    assertTrue(
        one.message().startsWith("software RDMA rxe0 beside hardware mlx5_0:"), one.message());
  }

  @Test
  void boundedKeepsSmallFindingsAsTheyAreAndCutsLongTexts() {
    Finding small = new Finding("R", Severity.INFO, "h", List.of("a", "b"), "two", "fix");
    assertSame(small, FindingBounds.bounded(small));
    String emoji = "x".repeat(FindingBounds.MAX_TEXT - 2) + "\uD83D\uDE00" + "tail";
    Finding longText = new Finding("R", Severity.INFO, "h", List.of(), emoji, emoji, 3);
    Finding cut = FindingBounds.bounded(longText);
    assertEquals(FindingBounds.MAX_TEXT - 1, cut.message().length());
    assertTrue(cut.message().endsWith("x…"), "no half character");
    assertEquals(cut.message(), cut.fix());
    assertEquals(3, cut.count());
    assertEquals("a, b", FindingBounds.named(List.of("a", "b")));
  }

  /** Generated findings of random device lists and texts, with and without folding. */
  @Test
  void generatedFindingsAreBoundedAndCounted() {
    Random random = new Random(4015);
    for (int run = 0; run < 300; run++) {
      List<Finding> in = new ArrayList<>();
      int findings = 1 + random.nextInt(run % 10 == 0 ? 400 : 6);
      int total = 0;
      for (int i = 0; i < findings; i++) {
        int n = random.nextInt(run % 3 == 0 ? 5000 : 300);
        List<String> devices = new ArrayList<>();
        for (int d = 0; d < n; d++) {
          devices.add(String.format("%04x:%02x:%02x.0", i, d / 32, d % 32));
        }
        String text = "t".repeat(random.nextInt(3 * FindingBounds.MAX_TEXT));
        int count = 1 + random.nextInt(3);
        total += count;
        in.add(new Finding("RULE", Severity.WARNING, "h", devices, text, text, count));
      }
      List<Finding> out = FindingBounds.capped("h", in);
      assertEquals(Math.min(findings, FleetFindings.MAX_PER_RULE), out.size(), "run " + run);
      assertEquals(total, out.stream().mapToInt(Finding::count).sum(), "run " + run);
      for (int k = 0; k < out.size(); k++) {
        Finding f = out.get(k);
        assertBounded(f);
        boolean folded =
            findings > FleetFindings.MAX_PER_RULE && k == FleetFindings.MAX_PER_RULE - 1;
        int listed = in.get(k).devices().size();
        if (!folded && listed > FleetFindings.MAX_DEVICES_LISTED) {
          assertTrue(f.message().endsWith("(" + listed + " devices, the first 256 listed)"));
          assertEquals(in.get(k).devices().subList(0, 256), f.devices());
        } else if (!folded) {
          assertEquals(in.get(k).devices(), f.devices());
          assertFalse(f.message().contains("listed)"), "run " + run);
        }
      }
    }
  }
}
