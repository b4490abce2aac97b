package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Generated hosts of 1 to 40 root buses of every kind {@link FastMatrix} caches the host-bridge
 * verdict by (p2p-rules.md §2.3 {@code rep(hb)}, §2.5): on the allow-list for any pair, for the
 * same host bridge only, not on it, representative not accepted (no 00.0 and no Root Port first),
 * representative unknown (no root bus in the report); Intel, AMD before and after Zen, and an
 * unknown CPU; switches with and without ACS redirect. Every cell equals the full analyzer's.
 */
class GeneratedBridgesMatrixTest {

  // representative IDs: Broadwell (same host bridge only), Sky Lake-E Root Port A (any), NVIDIA
  // Vera (any), AMD (not listed: allowed only through the Zen rule), and an unknown vendor
  private static final String[][] IDS = {
    {"0x8086", "0x6f00"},
    {"0x8086", "0x2030"},
    {"0x10de", "0x2f95"},
    {"0x1022", "0x1480"},
    {"0x1234", "0x5678"}
  };

  @Test
  void everyCellOfGeneratedHostsAgreesWithTheAnalyzer() {
    Random random = new Random(1515);
    Set<String> seen = new TreeSet<>();
    int pairs = 0;
    for (int run = 0; run < 80; run++) {
      Report r = host(random, 1 + random.nextInt(run % 4 == 0 ? 40 : 8));
      FastMatrixTest.assertSame(r);
      for (FastMatrix.Cell c : new FastMatrix(new P2pAnalyzer(r)).allPairs()) {
        seen.add(c.kernel().mapType() + (c.kernel().provisional() ? " provisional" : ""));
        pairs++;
      }
    }
    // every branch of the host-bridge verdict was met
    assertTrue(
        seen.containsAll(
            Set.of("THRU_HOST_BRIDGE", "NOT_SUPPORTED", "NOT_SUPPORTED provisional", "BUS_ADDR")),
        seen.toString());
    assertTrue(pairs > 10_000, pairs + " pairs");
  }

  static Report host(Random random, int bridges) {
    FabricDsl b = FabricDsl.host();
    switch (random.nextInt(4)) {
      case 0 -> b.cpu("AuthenticAMD", 0x19, 1); // Zen: any host bridge
      case 1 -> b.cpu("AuthenticAMD", 0x15, 1); // before Zen: the table decides
      case 2 -> b.cpuUnknown();
      default -> {} // Intel
    }
    int devices = 0;
    for (int i = 0; i < bridges && devices < 70; i++) {
      String[] id = IDS[random.nextInt(IDS.length)];
      String hb = String.format("pci%04x:00", i);
      int numa = random.nextInt(2);
      List<String> ports = new ArrayList<>();
      switch (random.nextInt(5)) {
        case 0 -> {
          b.hostBridge(hb, id[0], id[1], numa);
          for (int p = 0; p < 1 + random.nextInt(3); p++) {
            String rp = String.format("%04x:00:%02x.0", i, p + 1);
            b.rootPort(rp, hb, numa);
            ports.add(rp);
          }
        }
        case 1 -> {
          String rp = String.format("%04x:00:01.0", i);
          b.rootPortFirst(hb, rp, id[0], id[1], numa);
          ports.add(rp);
        }
        case 2 -> {
          // a GPU first on its root bus: at 00.0 the representative, elsewhere not accepted
          b.rcGpu(String.format("%04x:00:%02x.0", i, random.nextInt(2) * 3), hb, numa);
          devices++;
        }
        case 3 -> {
          // no root bus known: the kernel's representative is unknown
          String rp = String.format("%04x:00:01.0", i);
          b.rootPortFirst(null, rp, id[0], id[1], numa);
          ports.add(rp);
        }
        default -> {
          String rp = String.format("%04x:00:01.0", i);
          b.rootPortFirst(hb, rp, id[0], id[1], numa);
          String up = String.format("%04x:01:00.0", i);
          b.switchUp(up, rp);
          for (int d = 0; d < 1 + random.nextInt(3); d++) {
            String down = String.format("%04x:02:%02x.0", i, d);
            b.switchDown(down, up);
            if (random.nextBoolean()) {
              b.redirect(down);
            }
            ports.add(down);
          }
        }
      }
      int bus = 0x10;
      for (String port : ports) {
        for (int e = 0; e < 1 + random.nextInt(2); e++) {
          String bdf = String.format("%04x:%02x:00.0", i, bus++);
          switch (random.nextInt(3)) {
            case 0 -> b.gpu(bdf, port);
            case 1 -> b.nic(bdf, port, "mlx5_" + i + "_" + bus);
            default -> b.nvme(bdf, port);
          }
          devices++;
        }
      }
    }
    return b.build();
  }
}
