package dev.fabricscope.plan;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciFunctionDraft;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What a viewer's preview may cost: the security review's 200-edit body (one move to empty a port,
 * 120 switches each added in the one before, 79 IOMMU toggles) took 187 s in {@link PlanEditor}
 * when every IOMMU regrouping walked functions × depth² parents through a regex BDF comparison. Now
 * the nesting bound refuses it at the 17th added switch, and the regrouping is one pass.
 */
class PlanEditCostTest {

  /** Generous for a loaded 2-core build machine; the body now takes milliseconds. */
  static final Duration BOUND =
      Duration.ofSeconds(Long.getLong("fabricscope.test.planCostSeconds", 5));

  @Test
  void theReportedTwoHundredEditBodyIsRefusedQuickly() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    List<PlanEdit> body = reportedBody(host);
    long t0 = System.nanoTime();
    PlanEditException x =
        assertTimeoutPreemptively(
            BOUND, () -> assertThrows(PlanEditException.class, () -> PlanEditor.apply(host, body)));
    System.out.printf(
        "200-edit body refused in %d ms: %s%n",
        (System.nanoTime() - t0) / 1_000_000, x.getMessage());
    int refusedAt = PlanEditor.MAX_ADDED_NESTING + 2; // the move, then 16 switches that fit
    assertTrue(x.getMessage().startsWith("edit " + refusedAt + " ("), x.getMessage());
    assertTrue(x.getMessage().contains("at most 16 added switches nest"), x.getMessage());
  }

  @Test
  void sixteenNestedSwitchesAndManyIommuTogglesApplyQuickly() throws Exception {
    Report host = PlanEditorTest.rig("qemu-rig-iommu");
    List<PlanEdit> all = reportedBody(host);
    // the most nesting the bound allows, then toggles up to the edit cap: the costliest
    // accepted shape of this body
    List<PlanEdit> body = new ArrayList<>(all.subList(0, 1 + PlanEditor.MAX_ADDED_NESTING));
    while (body.size() < PlanEditor.MAX_EDITS) {
      body.add(new PlanEdit.SetIommu(body.size() % 2 == 0));
    }
    long t0 = System.nanoTime();
    Report plan = assertTimeoutPreemptively(BOUND, () -> PlanEditor.apply(host, body));
    System.out.printf(
        "%d edits with 16 nested switches applied in %d ms%n",
        body.size(), (System.nanoTime() - t0) / 1_000_000);
    assertTrue(plan.pci().size() > host.pci().size() + 2 * PlanEditor.MAX_ADDED_NESTING);
  }

  /**
   * The reported body on the rig: move 03:00.0 out of 02:00.0 (into a new port of the switch), add
   * a one-port switch to 02:00.0, each next one into the previous switch's port, then toggle the
   * IOMMU. The new ports' BDFs follow the editor's rule: each switch's upstream port takes the
   * lowest free bus of the domain, its downstream port the next.
   */
  static List<PlanEdit> reportedBody(Report host) {
    TreeSet<Integer> used = new TreeSet<>(List.of(0));
    for (PciFunction f : host.pci()) {
      if (f.bdf().startsWith("0000:")) {
        used.add(PlanFabric.bus(f.bdf()));
        if (f.config() != null && f.config().secondaryBus() != null) {
          int sub =
              f.config().subordinateBus() != null
                  ? f.config().subordinateBus()
                  : f.config().secondaryBus();
          for (int b = f.config().secondaryBus(); b <= sub; b++) {
            used.add(b);
          }
        }
      }
    }
    List<PlanEdit> body = new ArrayList<>();
    body.add(new PlanEdit.Move("0000:03:00.0", "0000:01:00.0"));
    String under = "0000:02:00.0";
    for (int i = 0; i < 120; i++) {
      body.add(new PlanEdit.AddSwitch(under, 1, 16.0, 16));
      used.add(lowestFree(used));
      int down = lowestFree(used);
      used.add(down);
      under = PlanFabric.bdf("0000", down, 0);
    }
    for (int i = 0; i < 79; i++) {
      body.add(new PlanEdit.SetIommu(i % 2 == 0));
    }
    return body;
  }

  private static int lowestFree(TreeSet<Integer> used) {
    for (int b = 1; b <= 0xff; b++) {
      if (!used.contains(b)) {
        return b;
      }
    }
    throw new IllegalStateException("no free bus");
  }

  /**
   * The thirteenth review's body: 200 moves of a device back and forth on a host of 20,000
   * functions whose 510-deep bridge chain has BDFs that fall with depth. Each move found the moved
   * subtree by one pass over every function per level and walked up from each of its functions: 75
   * s in a viewer's preview, holding a shared slot.
   */
  @Test
  void twoHundredMovesOnADeepChainOfAWideHostApplyQuickly() throws Exception {
    Report host = bigChain(PlanEditorTest.rig("qemu-rig-iommu"), 510, 20_000);
    String device = "0001:02:00.7";
    List<PlanEdit> body = new ArrayList<>();
    for (int i = 0; i < PlanEditor.MAX_EDITS; i++) {
      body.add(new PlanEdit.Move(device, i % 2 == 0 ? "0002:00:00.1" : "0001:02:01.0"));
    }
    long t0 = System.nanoTime();
    Report plan = assertTimeoutPreemptively(BOUND, () -> PlanEditor.apply(host, body));
    System.out.printf(
        "%d moves on a 510-deep chain of a %d-function host applied in %d ms%n",
        body.size(), host.pci().size(), (System.nanoTime() - t0) / 1_000_000);
    assertTrue(plan.pci().size() >= host.pci().size());
  }

  /** The review's shape, made of the rig's first function: chain, two empty slots, endpoints. */
  static Report bigChain(Report rig, int depth, int total) {
    PciFunction base = rig.pci().get(0);
    List<PciFunction> pci = new ArrayList<>();
    String prev = null;
    for (int i = 0; i < depth; i++) {
      String b = bdf(1, depth + 10 - i);
      pci.add(fn(base, b, prev, i == 0 ? PortType.ROOT_PORT : PortType.PCI_BRIDGE, "pci0001:00"));
      prev = b;
    }
    pci.add(fn(base, bdf(2, 1), null, PortType.ROOT_PORT, "pci0002:00"));
    pci.add(fn(base, bdf(2, 2), null, PortType.ROOT_PORT, "pci0002:00"));
    int k = 0;
    String rp = null;
    int under = 0;
    while (pci.size() < total) {
      if (rp == null || under >= 99) {
        rp = bdf(3, k++);
        pci.add(fn(base, rp, null, PortType.ROOT_PORT, "pci0003:00"));
        under = 0;
      } else {
        pci.add(fn(base, bdf(3, k++), rp, PortType.ENDPOINT, "pci0003:00"));
        under++;
      }
    }
    return new Report(
        rig.schemaVersion(),
        rig.source(),
        rig.host(),
        pci,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  private static String bdf(int domain, int k) {
    return String.format("%04x:%02x:%02x.%x", domain, k / 256, (k % 256) / 8, k % 8);
  }

  private static PciFunction fn(
      PciFunction base, String bdf, String parent, PortType type, String hostBridge) {
    PciFunctionDraft d = PciFunctionDraft.of(base);
    d.bdf = bdf;
    d.parent = parent;
    d.portType = type;
    d.kind = type == PortType.ENDPOINT ? DeviceKind.OTHER : DeviceKind.BRIDGE;
    d.classCode = type == PortType.ENDPOINT ? "0x058000" : "0x060400";
    d.hostBridge = hostBridge;
    d.sriov = null;
    d.iommu = null;
    d.link = null;
    return d.build();
  }
}
