package dev.fabricscope.plan;

import dev.fabricscope.p2p.MapType;
import dev.fabricscope.plan.HostOffer.GpuOffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Host selection (issue 13): which hosts can run a job of a given shape, best first, each with the
 * GPUs and NIC ports to use; and for every other host the reason it cannot. Works on {@link
 * HostOffer}s, computed once per snapshot, so a fleet is ranked without re-planning any host.
 */
public final class HostSelector {

  private HostSelector() {}

  /** The outcome: qualifying hosts, best first, and the others with their reason. */
  public record Selection(List<Fit> qualified, List<Rejection> rejected) {}

  /**
   * A host that fits.
   *
   * @param minGpuNicGBps the lowest predicted GPU→NIC rate among the chosen GPUs (null: no NICs
   *     asked for, or no rate known)
   * @param totalGpuNicGBps their sum
   * @param gpus the GPUs to use, best first, with their NIC ports
   */
  public record Fit(
      String host, Double minGpuNicGBps, double totalGpuNicGBps, List<GpuOffer> gpus) {}

  /** A host that does not fit, and why. */
  public record Rejection(String host, String reason) {}

  private static final Comparator<Fit> BEST_FIRST =
      Comparator.comparing((Fit f) -> f.minGpuNicGBps() == null ? -1 : f.minGpuNicGBps())
          .thenComparingDouble(Fit::totalGpuNicGBps)
          .reversed()
          .thenComparing(Fit::host);

  /** The hosts of {@code offers} ranked for {@code job}. */
  public static Selection select(JobShape job, List<HostOffer> offers) {
    List<Fit> fits = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    for (HostOffer o : offers) {
      Object r = judge(job, o);
      if (r instanceof Fit f) {
        fits.add(f);
      } else {
        rejected.add(new Rejection(o.host(), (String) r));
      }
    }
    fits.sort(BEST_FIRST);
    rejected.sort(Comparator.comparing(Rejection::host));
    return new Selection(fits, rejected);
  }

  /** A {@link Fit}, or the reason as a String. */
  private static Object judge(JobShape job, HostOffer o) {
    if (o.notPlanned() != null) {
      return "not planned: " + o.notPlanned();
    }
    if (o.gpus().size() < job.gpusPerHost()) {
      return o.gpus().size() + " NVIDIA GPUs; the job needs " + job.gpusPerHost();
    }
    boolean network = job.nicsPerGpu() > 0;
    if (network) {
      int ports = ports(o, job.fabric());
      int need = job.gpusPerHost() * job.nicsPerGpu();
      if (ports < need) {
        return ports
            + " RDMA ports"
            + (job.fabric() == null ? "" : " on " + job.fabric())
            + "; the job needs "
            + need;
      }
    }
    List<GpuOffer> usable = new ArrayList<>();
    String firstRefusal = null;
    for (GpuOffer g : o.gpus()) {
      String why = network ? refusal(job, g) : null;
      if (why == null) {
        usable.add(g);
      } else if (firstRefusal == null) {
        firstRefusal = why;
      }
    }
    if (usable.size() < job.gpusPerHost()) {
      return usable.size()
          + " GPUs qualify, the job needs "
          + job.gpusPerHost()
          + ": "
          + firstRefusal;
    }
    if (network) {
      usable.sort(
          Comparator.comparing((GpuOffer g) -> g.gpuNicGBps() == null ? -1 : g.gpuNicGBps())
              .reversed());
    }
    List<GpuOffer> chosen = List.copyOf(usable.subList(0, job.gpusPerHost()));
    Double min = null;
    double total = 0;
    for (GpuOffer g : chosen) {
      if (network && g.gpuNicGBps() != null) {
        min = min == null ? g.gpuNicGBps() : Math.min(min, g.gpuNicGBps());
        total += g.gpuNicGBps();
      }
    }
    return new Fit(o.host(), min, total, chosen);
  }

  private static int ports(HostOffer o, String fabric) {
    if (fabric == null) {
      return o.portsByLinkLayer().values().stream().mapToInt(Integer::intValue).sum();
    }
    for (var e : o.portsByLinkLayer().entrySet()) {
      if (e.getKey().equalsIgnoreCase(fabric)) {
        return e.getValue();
      }
    }
    return 0;
  }

  /** Why a GPU cannot serve the job through its paired NIC; null when it can. */
  private static String refusal(JobShape job, GpuOffer g) {
    if (g.nic() == null) {
      return "GPU " + g.gpu() + " has no NIC to pair with";
    }
    if (job.fabric() != null
        && (g.linkLayer() == null || !g.linkLayer().equalsIgnoreCase(job.fabric()))) {
      return "GPU "
          + g.gpu()
          + " pairs with "
          + name(g)
          + " on "
          + (g.linkLayer() == null ? "an unknown link layer" : g.linkLayer())
          + ", not "
          + job.fabric();
    }
    if (job.gpudirectRdma() && g.kernel() == MapType.NOT_SUPPORTED) {
      return "the kernel refuses P2P DMA between GPU "
          + g.gpu()
          + " and "
          + name(g)
          + " (NOT_SUPPORTED): no GPUDirect RDMA";
    }
    if (job.minGpuNicGBps() != null
        && (g.gpuNicGBps() == null || g.gpuNicGBps() < job.minGpuNicGBps())) {
      return "GPU "
          + g.gpu()
          + " → "
          + name(g)
          + " is predicted at "
          + (g.gpuNicGBps() == null
              ? "an unknown rate"
              : String.format(Locale.ROOT, "%.2f GB/s", g.gpuNicGBps()))
          + ", below "
          + String.format(Locale.ROOT, "%.2f", job.minGpuNicGBps());
    }
    return null;
  }

  private static String name(GpuOffer g) {
    return g.rdma() != null ? g.rdma() + (g.port() == null ? "" : "/" + g.port()) : g.nic();
  }
}
