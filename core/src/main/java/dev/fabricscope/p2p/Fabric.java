package dev.fabricscope.p2p;

import dev.fabricscope.path.Paths;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A report indexed for path questions: functions by BDF, upstream chains (p2p-rules.md §2.2, VFs
 * replaced by their PF), root-bus representatives (§2.3), NUMA nodes, RDMA devices per function and
 * NVLink counts. Built once per report; queries are map lookups and chain walks.
 */
public final class Fabric {

  private final Report report;
  private final Map<String, PciFunction> byBdf = new HashMap<>();
  private final Map<String, List<String>> chains = new HashMap<>();
  private final Map<String, List<RdmaDevice>> rdmaByFunction = new HashMap<>();
  private final Map<String, Map<String, Integer>> nvlinks = new HashMap<>();
  private final Set<String> nvswitches = new HashSet<>();
  // root bus -> its first function (lowest BDF with no parent): rep(hb) of §2.3, found in one pass
  // here because a pair verdict through the host bridge asks for it, and scanning every function
  // per pair made a report of 2,000 GPUs cost minutes (fifth security review)
  private final Map<String, String> firstOnRootBus = new HashMap<>();
  private Paths paths;

  public Fabric(Report report) {
    this.report = report;
    for (PciFunction f : report.pci()) {
      byBdf.put(f.bdf(), f);
      if (f.parent() == null && f.hostBridge() != null) {
        firstOnRootBus.merge(
            f.hostBridge(), f.bdf(), (a, b) -> PciTopology.compareBdf(b, a) < 0 ? b : a);
      }
    }
    for (RdmaDevice r : report.rdma()) {
      if (r.pciFunction() != null) {
        rdmaByFunction.computeIfAbsent(r.pciFunction(), k -> new ArrayList<>()).add(r);
      }
    }
    for (NvLink l : report.nvlinks()) {
      nvlinks.computeIfAbsent(l.a(), k -> new HashMap<>()).merge(l.b(), l.count(), Integer::sum);
      nvlinks.computeIfAbsent(l.b(), k -> new HashMap<>()).merge(l.a(), l.count(), Integer::sum);
    }
    // an NVLink peer that is not a GPU is an NVSwitch (one DGX-2 NVSwitch has no class code)
    for (String peer : nvlinks.keySet()) {
      PciFunction f = byBdf.get(peer);
      if (f == null || f.kind() != DeviceKind.GPU) {
        nvswitches.add(peer);
      }
    }
  }

  public Report report() {
    return report;
  }

  /** The path model of this report (links and pair paths, cached): one per fabric. */
  public Paths paths() {
    if (paths == null) {
      paths = new Paths(this);
    }
    return paths;
  }

  public Host host() {
    return report.host();
  }

  /** The function, or null when the BDF is not in the report. */
  public PciFunction function(String bdf) {
    return byBdf.get(bdf);
  }

  /** A VF stands for its PF in every walk (§2.2); other functions for themselves. */
  public String effective(String bdf) {
    PciFunction f = byBdf.get(bdf);
    if (f != null && f.sriov() != null && f.sriov().physfn() != null) {
      return f.sriov().physfn();
    }
    return bdf;
  }

  /**
   * The upstream chain [x, up(x), up(up(x)), ...] of the effective function, ending at a function
   * on a root bus. A parent named by the path but absent from the report still belongs to it.
   */
  public List<String> chain(String bdf) {
    return chains.computeIfAbsent(
        effective(bdf),
        start -> {
          List<String> out = new ArrayList<>();
          String cur = start;
          while (cur != null && out.size() < 64 && !out.contains(cur)) {
            out.add(cur);
            PciFunction f = byBdf.get(cur);
            cur = f == null ? null : f.parent();
          }
          return List.copyOf(out);
        });
  }

  /** The root bus a function hangs below ({@code pci0000:00}), or null when unknown. */
  public String hostBridge(String bdf) {
    for (String b : chain(bdf)) {
      PciFunction f = byBdf.get(b);
      if (f != null && f.hostBridge() != null) {
        return f.hostBridge();
      }
    }
    return null;
  }

  /** NUMA node of the function or its nearest ancestor that knows one; null when unknown. */
  public Integer numaNode(String bdf) {
    for (String b : chain(bdf)) {
      PciFunction f = byBdf.get(b);
      if (f != null && f.numaNode() != null) {
        return f.numaNode();
      }
    }
    return null;
  }

  /**
   * Whether the report came from an NCCL topology file, whose {@code pci} bridge nodes are whole
   * switches (NCCL drops root and downstream ports, §4.3).
   */
  public boolean switchNodesOnly() {
    return "nccl-xml".equals(report.source());
  }

  /** The switch a port belongs to, keyed by its upstream port (as NCCL keys PCI nodes, §4.3). */
  public String switchOf(String bdf) {
    PciFunction f = byBdf.get(bdf);
    if (f == null) {
      return null;
    }
    if (switchNodesOnly()) {
      return PciTopology.isBridgeClass(PciTopology.hex(f.classCode())) ? bdf : null;
    }
    if (f.portType() == PortType.SWITCH_UPSTREAM) {
      return bdf;
    }
    if (f.portType() == PortType.SWITCH_DOWNSTREAM) {
      return f.parent() != null ? f.parent() : bdf;
    }
    return null;
  }

  /** The distinct switches on a list of ports, in order. */
  public List<String> switchesOn(List<String> ports) {
    List<String> out = new ArrayList<>();
    for (String p : ports) {
      String s = switchOf(p);
      if (s != null && !out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** The representative of a root bus, §2.3 {@code rep(hb)}; see {@link Representative}. */
  public Representative representative(String hostBridge) {
    String first = hostBridge == null ? null : firstOnRootBus.get(hostBridge);
    if (first == null) {
      return new Representative(null, false);
    }
    PciFunction f = byBdf.get(first);
    boolean accepted = first.endsWith(":00.0") || f.portType() == PortType.ROOT_PORT;
    return new Representative(f, accepted);
  }

  /**
   * The first function found on a root bus.
   *
   * @param function null when the report holds no function of that root bus (then unknown)
   * @param accepted whether the kernel accepts it: devfn 00.0 or a Root Port
   */
  public record Representative(PciFunction function, boolean accepted) {}

  /** RDMA devices whose PCI function is this one. */
  public List<RdmaDevice> rdmaOn(String bdf) {
    return rdmaByFunction.getOrDefault(bdf, List.of());
  }

  /**
   * NVLinks between two GPUs: the direct bond, or through NVSwitches the smaller of the two GPUs'
   * link counts into the switch fabric (DGX-2: every V100 has one link to each of six NVSwitches,
   * nvidia-smi prints NV6 for every pair). 0 when the report has no NVLink between them.
   */
  public int nvlinkCount(String a, String b) {
    Map<String, Integer> la = nvlinks.getOrDefault(a, Map.of());
    Integer direct = la.get(b);
    if (direct != null) {
      return direct;
    }
    int toSwitchA = linksToSwitches(a);
    int toSwitchB = linksToSwitches(b);
    return toSwitchA > 0 && toSwitchB > 0 ? Math.min(toSwitchA, toSwitchB) : 0;
  }

  private int linksToSwitches(String gpu) {
    int n = 0;
    for (var e : nvlinks.getOrDefault(gpu, Map.of()).entrySet()) {
      if (nvswitches.contains(e.getKey())) {
        n += e.getValue();
      }
    }
    return n;
  }

  /** Whether any NVLink touches this function. */
  public boolean hasNvlink(String bdf) {
    return nvlinks.containsKey(bdf);
  }

  /** Whether the host CPU is x86 AMD of family ≥ 0x17 (Zen or later), §2.5's rule. */
  public boolean amdZenOrLater() {
    Host.Cpu cpu = report.host() == null ? null : report.host().cpu();
    return cpu != null
        && "AuthenticAMD".equals(cpu.vendor())
        && cpu.family() != null
        && cpu.family() >= 0x17;
  }

  /**
   * Whether the report knows enough about the CPU to rule the AMD Zen rule of §2.3/§2.5 in or out:
   * a vendor, and for AMD the family. A known non-x86 architecture rules it out too.
   */
  public boolean amdRuleDecidable() {
    Host h = report.host();
    if (h == null) {
      return false;
    }
    String arch = h.architecture();
    if (arch != null && !arch.isBlank() && !arch.matches("x86_64|i[3-6]86|amd64|x86")) {
      return true;
    }
    Host.Cpu cpu = h.cpu();
    return cpu != null
        && cpu.vendor() != null
        && (!"AuthenticAMD".equals(cpu.vendor()) || cpu.family() != null);
  }

  /** Whether the host CPU is x86 AMD (NCCL's two-GPU P2P rule, §4.5). */
  public boolean amdCpu() {
    Host.Cpu cpu = report.host() == null ? null : report.host().cpu();
    return cpu != null && "AuthenticAMD".equals(cpu.vendor());
  }
}
