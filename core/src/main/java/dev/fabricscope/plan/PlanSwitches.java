package dev.fabricscope.plan;

import dev.fabricscope.topology.PciFunctionDraft;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PortType;

/**
 * The ports a plan builds for {@link PlanEditor}: a whole switch ({@link PlanEdit.AddSwitch}) or
 * one more downstream port of a switch whose ports are all taken. Each new port takes its host
 * bridge and NUMA node from the port above it and a link that faces down with nothing trained below
 * yet.
 */
final class PlanSwitches {

  private PlanSwitches() {}

  /**
   * A new downstream port of the switch {@code up}, shaped as its other downstream ports (vendor,
   * link, ACS, IOMMU) or, for a switch without one, from its upstream link.
   */
  static String addDownstreamPort(PlanFabric fabric, PciFunctionDraft up) {
    String domain = PlanFabric.domain(up.bdf);
    PciFunctionDraft sibling = null;
    for (String c : fabric.children(up.bdf)) {
      if (fabric.get(c).portType == PortType.SWITCH_DOWNSTREAM) {
        sibling = fabric.get(c);
        break;
      }
    }
    int bus = sibling != null ? PlanFabric.bus(sibling.bdf) : fabric.freeBus(domain);
    String bdf = PlanFabric.bdf(domain, bus, fabric.freeDevice(domain, bus));
    PciFunctionDraft p = PlanFabric.plannedPort(bdf, up.bdf, PortType.SWITCH_DOWNSTREAM);
    inherit(p, up);
    if (sibling != null) {
      p.vendorId = sibling.vendorId;
      p.deviceId = sibling.deviceId;
      p.vendorName = sibling.vendorName;
      p.deviceName = sibling.deviceName;
      p.link = sibling.link == null ? null : facingDown(sibling.link.max());
      p.acs = sibling.acs;
      p.iommu = sibling.iommu;
    } else {
      p.link = up.link == null ? null : facingDown(up.link.max());
      p.acs = PlanLinks.withRedirect(null, fabric.iommuOn(), true);
    }
    fabric.fns.put(bdf, p);
    return bdf;
  }

  /** A switch below an empty slot: its upstream port and {@code ports} empty downstream ports. */
  static void add(PlanFabric fabric, PlanEdit.AddSwitch a) {
    if (a.ports() < 1 || a.ports() > 32) {
      throw new PlanEditException("a switch has 1 to 32 downstream ports, not " + a.ports());
    }
    LinkState st = PlanLinks.state(a.speedGTs(), a.width());
    PciFunctionDraft under = fabric.get(a.under());
    if (!PlanFabric.isSlot(under)) {
      throw new PlanEditException(a.under() + " is not a root port or switch downstream port");
    }
    if (!fabric.children(a.under()).isEmpty()) {
      throw new PlanEditException(
          "port "
              + a.under()
              + " holds "
              + fabric.devicesBelow(a.under()).iterator().next()
              + "; a switch goes into an empty port");
    }
    PlanNesting.check(PlanNesting.at(fabric, a.under()) + 1, a.under());
    String domain = PlanFabric.domain(under.bdf);
    String upBdf = PlanFabric.bdf(domain, fabric.freeBus(domain), 0);
    PciFunctionDraft up = PlanFabric.plannedPort(upBdf, under.bdf, PortType.SWITCH_UPSTREAM);
    inherit(up, under);
    up.link = PlanLinks.below(under, new PciLink(st, st, null, null, null, null));
    fabric.fns.put(upBdf, up);
    int downBus = fabric.freeBus(domain);
    boolean redirect = fabric.iommuOn();
    for (int i = 0; i < a.ports(); i++) {
      String bdf = PlanFabric.bdf(domain, downBus, i);
      PciFunctionDraft p = PlanFabric.plannedPort(bdf, upBdf, PortType.SWITCH_DOWNSTREAM);
      inherit(p, under);
      p.link = facingDown(st);
      p.acs = PlanLinks.withRedirect(null, redirect, true);
      fabric.fns.put(bdf, p);
    }
  }

  private static void inherit(PciFunctionDraft d, PciFunctionDraft from) {
    d.hostBridge = from.hostBridge;
    d.numaNode = from.numaNode;
    d.localCpulist = from.localCpulist;
  }

  /** The link record of a port facing down: its maximum, no trained link below it yet. */
  private static PciLink facingDown(LinkState max) {
    return new PciLink(null, max, null, null, null, null);
  }
}
