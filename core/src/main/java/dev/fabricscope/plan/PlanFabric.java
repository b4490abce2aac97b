package dev.fabricscope.plan;

import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciFunctionDraft;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.TopologyCheck;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The functions of a plan while edits change them: drafts by BDF, with the tree questions the edits
 * ask (a device's functions, a subtree, a port's children, a free bus number).
 */
final class PlanFabric {

  final Map<String, PciFunctionDraft> fns = new TreeMap<>(PciTopology::compareBdf);

  PlanFabric(List<PciFunction> pci) {
    for (PciFunction f : pci) {
      fns.put(f.bdf(), PciFunctionDraft.of(f));
    }
  }

  PciFunctionDraft get(String bdf) {
    PciFunctionDraft d = bdf == null ? null : fns.get(bdf);
    if (d == null) {
      throw new PlanEditException("no PCI function " + bdf + " in the plan");
    }
    return d;
  }

  /** {@code dddd:bb:dd}: the device part of a BDF (a VF counts as its PF's device). */
  String device(String bdf) {
    PciFunctionDraft d = fns.get(bdf);
    return d == null ? deviceOf(bdf, null) : deviceOf(d);
  }

  /** {@link #device} of a draft in hand, without a look-up (the IOMMU regrouping asks per node). */
  static String deviceOf(PciFunctionDraft d) {
    return deviceOf(d.bdf, d);
  }

  private static String deviceOf(String bdf, PciFunctionDraft d) {
    String base = d != null && d.sriov != null && d.sriov.physfn() != null ? d.sriov.physfn() : bdf;
    int dot = base.lastIndexOf('.');
    return dot < 0 ? base : base.substring(0, dot);
  }

  /**
   * The functions above {@code bdf}, its parent first. Every walk up the plan's tree goes through
   * here or keeps the same bound: an edit that wrongly made a parent cycle, or a chain deeper than
   * {@link TopologyCheck#MAX_DEPTH}, is refused instead of hanging the request's thread.
   */
  List<String> above(String bdf) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    seen.add(bdf);
    for (String up = get(bdf).parent; up != null; up = get(up).parent) {
      if (!seen.add(up)) {
        throw new PlanEditException("the plan's PCI tree has a parent cycle through " + up);
      }
      out.add(up);
      if (out.size() > TopologyCheck.MAX_DEPTH) {
        throw new PlanEditException(tooDeep(bdf));
      }
    }
    return out;
  }

  static String tooDeep(String bdf) {
    return "the plan's PCI chain above " + bdf + " is deeper than " + TopologyCheck.MAX_DEPTH;
  }

  /** Every function of the device {@code bdf} belongs to, its VFs included. */
  Set<String> deviceFunctions(String bdf) {
    String dev = device(get(bdf).bdf);
    Set<String> out = new LinkedHashSet<>();
    // the drafts in hand, not a look-up per key: a tree look-up compares BDFs as it goes
    for (PciFunctionDraft d : fns.values()) {
      if (deviceOf(d).equals(dev)) {
        out.add(d.bdf);
      }
    }
    return out;
  }

  /** The devices ({@link #device}) with more than one function, VFs not counted. */
  Set<String> multiFunctionDevices() {
    Map<String, Integer> n = new TreeMap<>();
    for (PciFunctionDraft d : fns.values()) {
      if (d.sriov == null || d.sriov.physfn() == null) {
        n.merge(deviceOf(d), 1, Integer::sum);
      }
    }
    Set<String> out = new HashSet<>();
    n.forEach(
        (k, v) -> {
          if (v > 1) {
            out.add(k);
          }
        });
    return out;
  }

  /** The functions whose parent is {@code bdf}. */
  List<String> children(String bdf) {
    List<String> out = new ArrayList<>();
    for (PciFunctionDraft d : fns.values()) {
      if (bdf.equals(d.parent)) {
        out.add(d.bdf);
      }
    }
    return out;
  }

  /**
   * Every parent's children, in the functions' order: for a step that asks for many (a scan of all
   * functions per question made a move cost functions × depth: 200 moves on a chain of 20,000
   * functions held a slot for 75 s, thirteenth security review).
   */
  Map<String, List<String>> childrenByParent() {
    Map<String, List<String>> out = new HashMap<>();
    for (PciFunctionDraft d : fns.values()) {
      if (d.parent != null) {
        out.computeIfAbsent(d.parent, k -> new ArrayList<>()).add(d.bdf);
      }
    }
    return out;
  }

  /** The roots and everything below them: the roots first, then level by level. */
  Set<String> subtree(Set<String> roots) {
    Map<String, List<String>> kids = childrenByParent();
    Set<String> out = new LinkedHashSet<>(roots);
    ArrayDeque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      for (String c : kids.getOrDefault(todo.poll(), List.of())) {
        if (out.add(c)) {
          todo.add(c);
        }
      }
    }
    return out;
  }

  /** The distinct devices directly below a port, by {@link #device}. */
  Set<String> devicesBelow(String port) {
    Set<String> out = new LinkedHashSet<>();
    for (String c : children(port)) {
      out.add(device(c));
    }
    return out;
  }

  /** A port a device can sit in: a root port, a switch downstream port or a PCI bridge. */
  static boolean isSlot(PciFunctionDraft d) {
    return d.portType == PortType.ROOT_PORT
        || d.portType == PortType.SWITCH_DOWNSTREAM
        || d.portType == PortType.PCI_BRIDGE;
  }

  static String domain(String bdf) {
    return bdf.substring(0, bdf.indexOf(':'));
  }

  static int bus(String bdf) {
    int c = bdf.indexOf(':');
    return Integer.parseInt(bdf.substring(c + 1, c + 3), 16);
  }

  /** The lowest bus number of the domain that no function and no bridge range uses. */
  int freeBus(String domain) {
    Set<Integer> used = new HashSet<>();
    used.add(0);
    for (PciFunctionDraft d : fns.values()) {
      if (!domain(d.bdf).equals(domain)) {
        continue;
      }
      used.add(bus(d.bdf));
      if (d.config != null && d.config.secondaryBus() != null) {
        int sub =
            d.config.subordinateBus() != null ? d.config.subordinateBus() : d.config.secondaryBus();
        for (int b = d.config.secondaryBus(); b <= sub && b <= 0xff; b++) {
          used.add(b);
        }
      }
    }
    for (int b = 1; b <= 0xff; b++) {
      if (!used.contains(b)) {
        return b;
      }
    }
    throw new PlanEditException("no free bus number left in PCI domain " + domain);
  }

  /** The first device number 0..31 that no function uses on this bus. */
  int freeDevice(String domain, int bus) {
    Set<Integer> used = new HashSet<>();
    for (String b : fns.keySet()) {
      if (domain(b).equals(domain) && bus(b) == bus) {
        used.add(Integer.parseInt(b.substring(b.lastIndexOf(':') + 1, b.lastIndexOf('.')), 16));
      }
    }
    for (int d = 0; d < 32; d++) {
      if (!used.contains(d)) {
        return d;
      }
    }
    throw new PlanEditException("bus " + String.format("%02x", bus) + " has no free device number");
  }

  static String bdf(String domain, int bus, int device) {
    return String.format("%s:%02x:%02x.0", domain, bus, device);
  }

  /** Whether any function has an IOMMU group: the host runs with an IOMMU. */
  boolean iommuOn() {
    for (PciFunctionDraft d : fns.values()) {
      if (d.iommu != null) {
        return true;
      }
    }
    return false;
  }

  List<PciFunction> build() {
    List<PciFunction> out = new ArrayList<>();
    for (PciFunctionDraft d : fns.values()) {
      out.add(d.build());
    }
    return out;
  }

  /**
   * A port of a switch the plan adds: a PCI-to-PCI bridge (class 0x060400) named as planned, so
   * that nobody mistakes it for discovered hardware.
   */
  static PciFunctionDraft plannedPort(String bdf, String parent, PortType type) {
    PciFunctionDraft d = new PciFunctionDraft();
    d.bdf = bdf;
    d.parent = parent;
    d.classCode = "0x060400";
    d.vendorName = "planned";
    d.deviceName =
        type == PortType.SWITCH_UPSTREAM
            ? "planned PCIe switch, upstream port"
            : "planned PCIe switch, downstream port";
    d.kind = DeviceKind.SWITCH_PORT;
    d.portType = type;
    d.portTypeSource = "plan";
    return d;
  }
}
