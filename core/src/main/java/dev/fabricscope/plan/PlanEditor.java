package dev.fabricscope.plan;

import dev.fabricscope.topology.PciFunctionDraft;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.TopologyCheck;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies what-if edits ({@link PlanEdit}) to a copy of a host's report, in order. The result is a
 * report like any other: the P2P rules and the planner read it unchanged. Every edit checks its
 * arguments against the plan as it stands and fails with a {@link PlanEditException} naming the
 * edit; the finished report must pass {@link TopologyCheck}.
 */
public final class PlanEditor {

  /** Most edits one plan version may carry. */
  public static final int MAX_EDITS = 200;

  /**
   * Most switches a plan adds on one chain, nested one below another (by add-switch or by moving an
   * added switch below another). Real hosts nest two or three; the bound keeps a viewer's preview
   * from building a chain hundreds deep that every later edit must walk.
   */
  public static final int MAX_ADDED_NESTING = 16;

  private final PlanFabric fabric;

  private PlanEditor(Report base) {
    this.fabric = new PlanFabric(base.pci());
  }

  /** The report of {@code base} with {@code edits} applied, in order. */
  public static Report apply(Report base, List<PlanEdit> edits) {
    if (edits.size() > MAX_EDITS) {
      throw new PlanEditException(
          "a plan carries at most " + MAX_EDITS + " edits; this one has " + edits.size());
    }
    PlanEditor editor = new PlanEditor(base);
    for (int i = 0; i < edits.size(); i++) {
      PlanEdit e = edits.get(i);
      if (e == null) {
        throw new PlanEditException("edit " + (i + 1) + " is empty");
      }
      try {
        editor.apply(e);
      } catch (PlanEditException x) {
        throw new PlanEditException("edit " + (i + 1) + " (" + e + "): " + x.getMessage());
      }
    }
    Report out =
        new Report(
            base.schemaVersion(),
            base.source(),
            base.host(),
            editor.fabric.build(),
            base.rdma(),
            base.net(),
            base.nvme(),
            base.gpus(),
            base.nvlinks(),
            base.diagnostics());
    List<String> problems = TopologyCheck.problems(out);
    if (!problems.isEmpty()) {
      throw new PlanEditException("the edited host is not sound: " + problems.get(0));
    }
    return out;
  }

  private void apply(PlanEdit e) {
    // Java 17: no pattern switch; the interface is sealed, so this chain is complete
    if (e instanceof PlanEdit.Move m) {
      move(m.device(), m.to());
    } else if (e instanceof PlanEdit.AddSwitch a) {
      PlanSwitches.add(fabric, a);
    } else if (e instanceof PlanEdit.RemoveSwitch r) {
      removeSwitch(r.upstream());
    } else if (e instanceof PlanEdit.SetAcs s) {
      setAcs(s);
    } else if (e instanceof PlanEdit.SetIommu i) {
      IommuGroups.regroup(fabric, i.enabled());
    } else if (e instanceof PlanEdit.SetLink l) {
      setLink(l);
    }
  }

  private void move(String device, String to) {
    Set<String> functions = fabric.deviceFunctions(device);
    Set<String> moved = fabric.subtree(functions);
    PciFunctionDraft target = fabric.get(to);
    if (moved.contains(to)) {
      throw new PlanEditException(to + " is part of the device being moved");
    }
    String slot;
    if (target.portType == PortType.SWITCH_UPSTREAM) {
      slot = freeDownstreamPort(target, moved);
    } else if (PlanFabric.isSlot(target)) {
      Set<String> there = fabric.devicesBelow(to);
      there.remove(fabric.device(device));
      if (!there.isEmpty()) {
        throw new PlanEditException(
            "port " + to + " holds " + there.iterator().next() + "; move that device first");
      }
      slot = to;
    } else {
      throw new PlanEditException(
          to
              + " is a "
              + (target.portType == null ? "function" : target.portType.json())
              + ", not a root port, switch downstream port or switch upstream port");
    }
    PlanNesting.check(PlanNesting.at(fabric, slot) + PlanNesting.within(fabric, moved), slot);
    place(functions, moved, slot);
  }

  /** Hangs the device's functions below {@code slot} (null: on the root bus of the old parent). */
  private void place(Set<String> functions, Set<String> subtree, String slot) {
    PciFunctionDraft port = slot == null ? null : fabric.get(slot);
    for (String b : subtree) {
      PciFunctionDraft d = fabric.get(b);
      if (port != null) {
        d.hostBridge = port.hostBridge;
        if (port.numaNode != null) {
          d.numaNode = port.numaNode;
          d.localCpulist = port.localCpulist;
        }
      }
      if (functions.contains(b)) {
        d.parent = slot;
        d.link = port == null ? PlanLinks.onRootBus(d.link) : PlanLinks.below(port, d.link);
      }
    }
  }

  /**
   * The first empty downstream port (by BDF) of the switch {@code up} outside {@code moved}; a new
   * one when every port holds a device. Refused when the only empty ones are part of the moved
   * device (a port moved into its own switch): it would become its own ancestor.
   */
  private String freeDownstreamPort(PciFunctionDraft up, Set<String> moved) {
    String ownFree = null;
    Map<String, List<String>> kids = fabric.childrenByParent();
    for (String c : kids.getOrDefault(up.bdf, List.of())) {
      if (fabric.get(c).portType == PortType.SWITCH_DOWNSTREAM && !kids.containsKey(c)) {
        if (!moved.contains(c)) {
          return c;
        }
        if (ownFree == null) {
          ownFree = c;
        }
      }
    }
    if (ownFree != null) {
      throw new PlanEditException(
          "the free port of " + up.bdf + " is " + ownFree + ", part of the device being moved");
    }
    return PlanSwitches.addDownstreamPort(fabric, up);
  }

  private void removeSwitch(String upstream) {
    PciFunctionDraft up = fabric.get(upstream);
    if (up.portType != PortType.SWITCH_UPSTREAM) {
      throw new PlanEditException(upstream + " is not a switch upstream port");
    }
    Map<String, List<String>> kids = fabric.childrenByParent();
    List<String> ports = kids.getOrDefault(upstream, List.of());
    Map<String, Set<String>> devices = new TreeMap<>();
    for (String port : ports) {
      for (String c : kids.getOrDefault(port, List.of())) {
        devices.computeIfAbsent(fabric.device(c), k -> new LinkedHashSet<>()).add(c);
      }
    }
    if (devices.size() > 1) {
      throw new PlanEditException(
          "switch "
              + upstream
              + " holds "
              + devices.size()
              + " devices ("
              + String.join(", ", devices.keySet())
              + "); move all but one first");
    }
    String slot = up.parent;
    for (String port : ports) {
      fabric.fns.remove(port);
    }
    fabric.fns.remove(upstream);
    if (!devices.isEmpty()) {
      Set<String> functions = devices.values().iterator().next();
      Set<String> subtree = fabric.subtree(functions);
      if (slot == null) {
        for (String b : functions) {
          fabric.get(b).hostBridge = up.hostBridge;
        }
      }
      place(functions, subtree, slot);
    }
  }

  private void setAcs(PlanEdit.SetAcs s) {
    PciFunctionDraft p = fabric.get(s.port());
    if (p.portType != PortType.ROOT_PORT && p.portType != PortType.SWITCH_DOWNSTREAM) {
      throw new PlanEditException(s.port() + " is not a root port or switch downstream port");
    }
    p.acs = PlanLinks.withRedirect(p.acs, s.redirect(), true);
  }

  private void setLink(PlanEdit.SetLink l) {
    LinkState st = PlanLinks.state(l.speedGTs(), l.width());
    PciFunctionDraft f = fabric.get(l.device());
    if (f.portType != null && f.portType.facesDownstream()) {
      throw new PlanEditException(
          l.device() + " is a port facing down; set the link of the device below it");
    }
    PciLink.Upstream up = f.parent == null ? null : new PciLink.Upstream(f.parent, st, st);
    f.link = new PciLink(st, st, null, null, up, null);
    PciFunctionDraft parent = f.parent == null ? null : fabric.fns.get(f.parent);
    if (parent != null && parent.portType != null && parent.portType.facesDownstream()) {
      PciLink pl = parent.link;
      parent.link = new PciLink(st, st, null, null, pl == null ? null : pl.upstream(), null);
    }
  }
}
