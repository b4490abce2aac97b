package dev.fabricscope.bandwidth;

import dev.fabricscope.p2p.Bottleneck;
import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.p2p.PathLinks;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The expected value of a test from the reports of the hosts it runs on: the bottleneck link's raw
 * rate (p2p-rules.md §5, read from the path model through {@link PathLinks}) times the efficiency
 * of the transfer ({@link Efficiencies}); the NIC's line rate for network tests; the host's
 * measured memory bandwidth for host copies. Unknown inputs give an unknown expectation with its
 * reason, never a guess.
 */
public final class Expectations {

  private final Efficiencies eff;

  public Expectations(Efficiencies eff) {
    this.eff = eff;
  }

  /**
   * The expectation of a test.
   *
   * @param spec the test
   * @param source report of the host the source endpoint is on (null when none is stored)
   * @param target report of the target's host (the source's for one-host tests; may be null)
   * @param hostMemoryGBps the source host's measured memory copy bandwidth, null when never
   *     measured
   */
  public Expectation expect(
      BandwidthSpec spec, Report source, Report target, Double hostMemoryGBps) {
    return switch (spec.kind()) {
      case HOST_MEMCPY ->
          hostMemoryGBps == null
              ? Expectation.unknown("no host memory bandwidth measured on this host yet")
              : new Expectation(
                  round2(hostMemoryGBps),
                  spec.source().toString(),
                  "the host's last measured memory copy bandwidth");
      case GPU_H2D, GPU_D2H -> hostLink(source, gpuEnd(spec), eff.gpuCopy(), 1);
      case GPU_BIDIR -> hostLink(source, gpuEnd(spec), eff.gpuBidir(), 2);
      case GPU_D2D -> Expectation.unknown("GPU memory bandwidth is not in the report");
      case GPU_P2P -> peer(source, spec);
      case RDMA_WRITE, RDMA_READ, RDMA_SEND -> rdma(source, target, spec);
      case TCP ->
          Expectation.unknown("TCP tests expect nothing until the interface speed is known");
      case NVME_READ -> hostLink(source, spec.source(), eff.nvmeRead(), 1);
    };
  }

  private static Endpoint gpuEnd(BandwidthSpec spec) {
    return spec.source().type() == Endpoint.Type.NUMA ? spec.target() : spec.source();
  }

  private Expectation hostLink(Report report, Endpoint device, double efficiency, int directions) {
    if (report == null) {
      return Expectation.unknown("no report of this host");
    }
    String bdf = bdfOf(report, device);
    if (bdf == null) {
      return Expectation.unknown(device + " is not a device of this host's report");
    }
    Bottleneck b = new PathLinks(new Fabric(report)).bottleneckToHost(bdf);
    if (b == null) {
      return Expectation.unknown("no link speed known on the path of " + bdf);
    }
    return new Expectation(
        round2(b.rawGBps() * efficiency * directions),
        b.bdf(),
        String.format(
            Locale.ROOT,
            "%s link %.2f GB/s raw per direction x %d x efficiency %.2f",
            b.bdf(),
            b.rawGBps(),
            directions,
            efficiency));
  }

  private Expectation peer(Report report, BandwidthSpec spec) {
    if (report == null) {
      return Expectation.unknown("no report of this host");
    }
    String a = bdfOf(report, spec.source());
    String b = bdfOf(report, spec.target());
    if (a == null || b == null) {
      return Expectation.unknown("a GPU of this test is not in the host's report");
    }
    for (NvLink l : report.nvlinks()) {
      if ((l.a().equals(a) && l.b().equals(b)) || (l.a().equals(b) && l.b().equals(a))) {
        double perLink =
            l.bandwidthGBps() != null
                ? l.bandwidthGBps() / l.count()
                : Efficiencies.NVLINK_LINK_GBPS;
        return new Expectation(
            round2(perLink * l.count() * eff.nvlink()),
            "nvlink " + a + "-" + b,
            String.format(
                Locale.ROOT,
                "%d NVLinks x %.1f GB/s x efficiency %.2f",
                l.count(),
                perLink,
                eff.nvlink()));
      }
    }
    Bottleneck bn = new PathLinks(new Fabric(report)).bottleneck(a, b);
    if (bn == null) {
      return Expectation.unknown("no link speed known between " + a + " and " + b);
    }
    return new Expectation(
        round2(bn.rawGBps() * eff.gpuPeerPcie()),
        bn.bdf(),
        String.format(
            Locale.ROOT,
            "%s link %.2f GB/s raw x PCIe peer efficiency %.2f",
            bn.bdf(),
            bn.rawGBps(),
            eff.gpuPeerPcie()));
  }

  private Expectation rdma(Report source, Report target, BandwidthSpec spec) {
    Double a = portGBps(source, spec.source());
    Double b = portGBps(target == null ? source : target, spec.target());
    if (a == null && b == null) {
      return Expectation.unknown("the line rate of neither port is known");
    }
    boolean sourceSlower = b == null || (a != null && a <= b);
    double line = sourceSlower ? a : b;
    Endpoint limiting = sourceSlower ? spec.source() : spec.target();
    return new Expectation(
        round2(line * eff.nicLine()),
        limiting.toString(),
        String.format(
            Locale.ROOT,
            "%s line rate %.2f GB/s x efficiency %.2f",
            limiting,
            line,
            eff.nicLine()));
  }

  private static Double portGBps(Report report, Endpoint e) {
    if (report == null) {
      return null;
    }
    for (RdmaDevice d : report.rdma()) {
      if (d.name().equals(e.name())) {
        for (RdmaDevice.Port p : d.ports()) {
          if (p.port() == e.port() && p.rateGbps() != null && p.rateGbps() > 0) {
            return p.rateGbps() / 8.0;
          }
        }
      }
    }
    return null;
  }

  /**
   * The BDF an endpoint names in a report: a BDF as written, {@code gpu:N} as the N-th NVIDIA GPU
   * in PCI bus order (CUDA's order with {@code CUDA_DEVICE_ORDER=PCI_BUS_ID}, which the agent's
   * helper sets), an RDMA device's PCI function; null when the report has no such device.
   */
  public static String bdfOf(Report report, Endpoint e) {
    return switch (e.type()) {
      case PCI -> report.pci().stream().anyMatch(f -> f.bdf().equals(e.name())) ? e.name() : null;
      case GPU -> {
        List<String> nvidia =
            report.gpus().stream()
                .map(Gpu::pciFunction)
                .filter(bdf -> isNvidia(report, bdf))
                .sorted(Comparator.naturalOrder())
                .toList();
        int i = e.index();
        yield i < nvidia.size() ? nvidia.get(i) : null;
      }
      case RDMA ->
          report.rdma().stream()
              .filter(d -> d.name().equals(e.name()))
              .map(RdmaDevice::pciFunction)
              .findFirst()
              .orElse(null);
      default -> null;
    };
  }

  private static boolean isNvidia(Report report, String bdf) {
    return report.pci().stream()
        .anyMatch(f -> f.bdf().equals(bdf) && "10de".equalsIgnoreCase(strip0x(f.vendorId())));
  }

  private static String strip0x(String id) {
    return id != null && id.startsWith("0x") ? id.substring(2) : id;
  }

  private static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
