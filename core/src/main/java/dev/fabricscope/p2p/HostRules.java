package dev.fabricscope.p2p;

import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The device rules of {@link FleetFindings}: GPU↔NIC locality, software RDMA, p2pmem. */
final class HostRules {

  private HostRules() {}

  /**
   * {@link #gpuNics(String, FastMatrix, List)} on a host of at most {@link
   * FleetFindings#MAX_MATRIX_DEVICES} matrix devices, counted before any matrix is built; a larger
   * host gets one {@link FleetFindings#GPU_NIC_NOT_ANALYSED} warning instead (unknown, not fine).
   */
  static void gpuNics(String host, P2pAnalyzer analyzer, List<Finding> out) {
    int n = analyzer.devices().size();
    if (n > FleetFindings.MAX_MATRIX_DEVICES) {
      long gpus = analyzer.devices().stream().filter(d -> d.kind() == DeviceKind.GPU).count();
      if (gpus == 0) {
        return; // the rule is about GPUs: nothing to judge, nothing unknown
      }
      out.add(
          new Finding(
              FleetFindings.GPU_NIC_NOT_ANALYSED,
              Severity.WARNING,
              host,
              List.of(),
              "not analysed: "
                  + n
                  + " matrix devices ("
                  + gpus
                  + " GPUs), over the "
                  + FleetFindings.MAX_MATRIX_DEVICES
                  + " whose GPU-to-NIC distances the fleet findings judge; whether a GPU lacks a"
                  + " PIX/PXB RDMA NIC on this host is unknown",
              "ask for the pairs of interest one by one (GET /api/v1/hosts/{host}/paths?a=&b=)"));
      return;
    }
    gpuNics(host, new FastMatrix(analyzer), out);
  }

  /**
   * GPU_WITHOUT_CLOSE_NIC: NCCL uses GPUDirect RDMA by default only at PIX/PXB/P2C (§4.6); a GPU
   * whose nearest hardware RDMA NIC is at PHB or SYS stages every network transfer through host
   * memory. On a host with no hardware RDMA NIC at all, one info finding says so instead.
   */
  static void gpuNics(String host, FastMatrix matrix, List<Finding> out) {
    Fabric fabric = matrix.fabric();
    List<Device> devices = matrix.devices();
    List<Integer> gpuIndexes = new ArrayList<>();
    List<Integer> nicIndexes = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      Device d = devices.get(i);
      if (d.kind() == DeviceKind.GPU) {
        gpuIndexes.add(i);
      } else if (d.rdma() == null
          && FleetFindings.nicKind(d.kind())
          && fabric.rdmaOn(d.bdf()).stream().anyMatch(FleetFindings::hardwareRdma)) {
        nicIndexes.add(i);
      }
    }
    List<Device> gpus = gpuIndexes.stream().map(devices::get).toList();
    if (gpus.isEmpty()) {
      return;
    }
    if (nicIndexes.isEmpty()) {
      out.add(
          new Finding(
              FleetFindings.GPU_WITHOUT_CLOSE_NIC,
              Severity.INFO,
              host,
              gpus.stream().map(Device::bdf).toList(),
              gpus.size()
                  + " GPU(s) and no hardware RDMA NIC: multi-node NCCL traffic is staged through"
                  + " host memory (no GPUDirect RDMA)",
              null));
      return;
    }
    NearestNic near = new NearestNic(matrix, nicIndexes);
    for (int gi : gpuIndexes) {
      Device g = devices.get(gi);
      SmiLabel best = near.nearest(gi);
      if (best != null) {
        out.add(
            new Finding(
                FleetFindings.GPU_WITHOUT_CLOSE_NIC,
                Severity.WARNING,
                host,
                List.of(g.bdf()),
                "GPU "
                    + g.bdf()
                    + " has no RDMA NIC at PIX or PXB (nearest: "
                    + best
                    + "): NCCL turns GPUDirect RDMA off at PHB/SYS and stages through host"
                    + " memory",
                "place an HCA under the GPU's PCIe switch, or accept NCCL_NET_GDR_LEVEL=PHB"
                    + " if measured bandwidth allows"));
      }
    }
  }

  /** SOFTWARE_RDMA_WITH_HARDWARE (§2.6): rxe/siw cannot do P2P DMA but ULPs may pick them. */
  static void softwareRdma(String host, Report report, List<Finding> out) {
    List<String> hw = new ArrayList<>();
    TreeSet<String> sw = new TreeSet<>();
    TreeSet<String> swDevices = new TreeSet<>(PciTopology::compareBdf);
    for (RdmaDevice d : report.rdma()) {
      if (d.provider() == RdmaDevice.Provider.SOFTWARE) {
        sw.add(d.name());
        swDevices.add(d.pciFunction() != null ? d.pciFunction() : d.name());
      } else if (d.provider() == RdmaDevice.Provider.HARDWARE) {
        hw.add(d.name());
      }
    }
    if (sw.isEmpty() || hw.isEmpty()) {
      return;
    }
    out.add(
        new Finding(
            FleetFindings.SOFTWARE_RDMA_WITH_HARDWARE,
            Severity.WARNING,
            host,
            List.copyOf(swDevices),
            "software RDMA "
                + FindingBounds.named(sw)
                + " beside hardware "
                + FindingBounds.named(hw.stream().sorted().toList())
                + ": the CPU copies its data, it can never do P2P DMA, and an application that"
                + " picks the first device may take it",
            "rdma link delete "
                + sw.first()
                + " unless it is wanted; else name the HCA explicitly"
                + " (NCCL_IB_HCA, nvmet addr)"));
  }

  /** P2PMEM_UNPUBLISHED (§2.7): a pool exists but is not offered to other drivers. */
  static void p2pmem(String host, Report report, List<Finding> out) {
    for (PciFunction f : report.pci()) {
      if (f.p2pmem() != null && Boolean.FALSE.equals(f.p2pmem().published())) {
        out.add(
            new Finding(
                FleetFindings.P2PMEM_UNPUBLISHED,
                Severity.INFO,
                host,
                List.of(f.bdf()),
                f.bdf()
                    + " has a P2PDMA pool"
                    + (f.p2pmem().sizeBytes() == null ? "" : " of " + f.p2pmem().sizeBytes() + " B")
                    + " that is not published: pci_p2pmem_find() will not offer it (nvme-pci"
                    + " publishes a CMB only when it supports read and write data)",
                null));
      }
    }
  }

  /**
   * {@link FleetFindings#DRIVER_P2P_DISAGREES}: a GPU pair whose driver answer (NVML) differs from
   * the kernel's P2PDMA verdict or from NCCL's P2P choice (p2p-rules.md §2.1, §4.5); one warning
   * per pair, with the reasons the pair verdict gives.
   */
  static void driverDisagrees(String host, P2pAnalyzer analyzer, List<Finding> out) {
    List<Device> gpus =
        analyzer.devices().stream().filter(d -> analyzer.driverKnows(d.bdf())).toList();
    // A pair (a, b) has a driver verdict only when a's NVML lists b among its peers
    // (DriverRules.rule), and without one DriverRules.disagreements says nothing. So only those
    // pairs are judged, instead of every pair of GPUs the driver knows: the report's own size
    // bounds the work (fifth security review: 2,000 GPUs with empty peer lists cost minutes).
    Map<String, List<Integer>> byBdf = new HashMap<>();
    for (int i = 0; i < gpus.size(); i++) {
      byBdf.computeIfAbsent(gpus.get(i).bdf(), k -> new ArrayList<>()).add(i);
    }
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < gpus.size(); i++) {
      // the old all-pairs loop's order: row i, then its partners j > i in device order
      TreeSet<Integer> partners = new TreeSet<>();
      for (String peer : analyzer.driverPeers(gpus.get(i).bdf())) {
        for (int j : byBdf.getOrDefault(peer, List.of())) {
          if (j > i) {
            partners.add(j);
          }
        }
      }
      for (int j : partners) {
        pairs.add(new int[] {i, j});
      }
    }
    // counted before any verdict: peer lists of every GPU (360 GPUs listing all the others fit
    // the 16 MiB report limit) made 65,000 full verdicts, seconds of CPU, and as many findings
    // kept for one host and listed on every findings page
    if (pairs.size() > FleetFindings.MAX_DRIVER_PAIRS) {
      out.add(
          new Finding(
              FleetFindings.DRIVER_P2P_NOT_ANALYSED,
              Severity.WARNING,
              host,
              List.of(),
              "not analysed: the NVIDIA driver lists "
                  + pairs.size()
                  + " GPU pairs, over the "
                  + FleetFindings.MAX_DRIVER_PAIRS
                  + " whose P2P answers are compared with the kernel's and NCCL's; whether"
                  + " they disagree on this host is unknown",
              "ask for the pairs of interest one by one (GET /api/v1/hosts/{host}/paths?a=&b=)"));
      return;
    }
    for (int[] p : pairs) {
      disagreement(host, analyzer.pair(gpus.get(p[0]), gpus.get(p[1])), out);
    }
  }

  private static void disagreement(String host, PairVerdict v, List<Finding> out) {
    List<Reason> why =
        v.reasons().stream().filter(r -> r.code().equals(Reason.DRIVER_DISAGREES)).toList();
    if (!why.isEmpty()) {
      out.add(
          new Finding(
              FleetFindings.DRIVER_P2P_DISAGREES,
              Severity.WARNING,
              host,
              List.of(v.a(), v.b()),
              String.join("; ", why.stream().map(Reason::message).toList()),
              why.stream().map(Reason::fix).filter(f -> f != null).findFirst().orElse(null)));
    }
  }
}
