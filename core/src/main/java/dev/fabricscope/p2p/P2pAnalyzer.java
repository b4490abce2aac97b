package dev.fabricscope.p2p;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Puts the three verdicts of a pair side by side (p2p-rules.md §8: never merged) with the path's
 * hops, its bottleneck and the reasons. {@link #matrix()} covers every pair of the host's GPUs,
 * NICs/HCAs, NVMe and accelerators: O(n²) pairs, each O(depth of the tree).
 */
public final class P2pAnalyzer {

  /**
   * Most matrix devices ({@link #devices()}, the one count) a matrix is computed for: the server's
   * default {@code fabricscope.p2p.max-devices} and the agent's fixed bound for {@code topo} and
   * {@code explain}. 2,000 devices are about 2 million pairs, each a path and its verdicts; a
   * review ran the agent out of a 512 MiB heap with 2,000 (a 1.6 MB report).
   */
  public static final int MAX_MATRIX_DEVICES = 2000;

  private static final Set<DeviceKind> MATRIX_KINDS =
      EnumSet.of(
          DeviceKind.GPU, DeviceKind.NIC, DeviceKind.RDMA, DeviceKind.NVME, DeviceKind.ACCELERATOR);

  private final Fabric fabric;
  private final KernelP2pRules kernel;
  private final NvidiaSmiRules nvidia;
  private final NcclRules nccl;
  private final PathLinks links;
  private final DriverRules driver;

  public P2pAnalyzer(Report report) {
    this.fabric = new Fabric(report);
    this.kernel = new KernelP2pRules(fabric);
    this.nvidia = new NvidiaSmiRules(fabric);
    this.nccl = new NcclRules(fabric);
    this.links = new PathLinks(fabric);
    this.driver = new DriverRules(report);
  }

  /** The fabric the verdicts are computed over, for views of the same report (its graph). */
  public Fabric fabric() {
    return fabric;
  }

  /** The matrix devices: one per function of a matrix kind (VFs left out), plus rxe/siw. */
  public List<Device> devices() {
    Report r = fabric.report();
    List<Device> out = new ArrayList<>();
    for (PciFunction f : r.pci()) {
      if (!MATRIX_KINDS.contains(f.kind()) || (f.sriov() != null && f.sriov().physfn() != null)) {
        continue;
      }
      out.add(new Device(f.bdf(), f.kind(), name(f), null));
      for (RdmaDevice d : fabric.rdmaOn(f.bdf())) {
        if (d.provider() == RdmaDevice.Provider.SOFTWARE) {
          out.add(new Device(f.bdf(), DeviceKind.RDMA, d.name(), d.name()));
        }
      }
    }
    return out;
  }

  private String name(PciFunction f) {
    Report r = fabric.report();
    for (RdmaDevice d : fabric.rdmaOn(f.bdf())) {
      if (d.provider() != RdmaDevice.Provider.SOFTWARE) {
        return d.name();
      }
    }
    for (NvmeController n : r.nvme()) {
      if (f.bdf().equals(n.pciFunction())) {
        return n.name();
      }
    }
    for (NetInterface n : r.net()) {
      if (f.bdf().equals(n.pciFunction())) {
        return n.name();
      }
    }
    return f.deviceName() != null ? f.deviceName() : f.bdf();
  }

  /** Finds a matrix device by BDF or by name (mlx5_0, rxe0, nvme0); null when none matches. */
  public Device find(String id) {
    for (Device d : devices()) {
      if (id.equals(d.rdma())
          || (d.rdma() == null && (id.equals(d.bdf()) || id.equals(d.name())))) {
        return d;
      }
    }
    PciFunction f = fabric.function(id);
    return f == null ? null : new Device(f.bdf(), f.kind(), name(f), null);
  }

  /** Every unordered pair of matrix devices. */
  public P2pMatrix matrix() {
    List<Device> devices = devices();
    List<PairVerdict> pairs = new ArrayList<>(devices.size() * (devices.size() - 1) / 2);
    for (int i = 0; i < devices.size(); i++) {
      for (int j = i + 1; j < devices.size(); j++) {
        pairs.add(pair(devices.get(i), devices.get(j)));
      }
    }
    return new P2pMatrix(devices, pairs);
  }

  /** The full verdict for one pair: every rule set's ruling over the pair's one path. */
  public PairVerdict pair(Device a, Device b) {
    DevicePair p = DevicePair.of(fabric, a, b);
    List<Reason> reasons = new ArrayList<>();
    Ruling<KernelVerdict> kr = kernel.rule(p);
    KernelVerdict k = kr.value();
    reasons.addAll(kr.reasons());
    Ruling<SmiLabel> sr = nvidia.rule(p);
    SmiLabel smi = sr.value();
    reasons.addAll(sr.reasons());
    SmiLabel smiPcie = smi.isNvlink() ? nvidia.pcie().rule(p).value() : smi;
    Ruling<NcclVerdict> nr = nccl.rule(p);
    NcclVerdict n = nr.value();
    reasons.addAll(nr.reasons());
    DriverVerdict d = driver.rule(p).value();
    reasons.addAll(driver.disagreements(d, k, n));
    if (smiPcie.level().belowHostBridge()
        && k.mapType() != MapType.BUS_ADDR
        && reasons.stream().anyMatch(r -> r.code().equals(Reason.ACS_REDIRECT))) {
      reasons.add(
          new Reason(
              Reason.ACS_BLIND_TOOLS,
              "nvidia-smi and NCCL do not look at ACS: they report "
                  + smiPcie
                  + " although the kernel sends this traffic through the host bridge",
              null));
    }
    if (k.mapType() == MapType.THRU_HOST_BRIDGE && smiPcie.level() == SmiLabel.Level.SYS) {
      reasons.add(
          new Reason(
              Reason.CROSS_SOCKET,
              "the kernel's allow-list is NUMA-blind: this P2P crosses the inter-socket link",
              "keep peers on one socket"));
    }
    reasons.addAll(links.linkFindings(a.bdf(), b.bdf()));
    return new PairVerdict(
        a.bdf(),
        b.bdf(),
        a.rdma(),
        b.rdma(),
        k,
        smi,
        smiPcie,
        n,
        d,
        links.bottleneck(a.bdf(), b.bdf()),
        p.path().hops(),
        reasons,
        null);
  }

  /** The rule sets, each over the pair's one path (for the contract test and tools). */
  List<PairRule<?>> rules() {
    return List.of(kernel, nvidia, nvidia.pcie(), nccl, driver);
  }

  /** Whether the driver answered for the device (an NVIDIA GPU read with NVML). */
  boolean driverKnows(String bdf) {
    return driver.knows(bdf);
  }

  /**
   * The GPUs the driver answered for as peers of this one: {@link #pair}{@code (a, b)} has a driver
   * verdict only when b's BDF is among a's.
   */
  Set<String> driverPeers(String bdf) {
    return driver.peersOf(bdf);
  }

  /** The driver's verdict of two different matrix entries, as {@link #pair} gives it. */
  DriverVerdict driverVerdict(Device a, Device b) {
    return driver.verdict(a.bdf(), b.bdf());
  }
}
