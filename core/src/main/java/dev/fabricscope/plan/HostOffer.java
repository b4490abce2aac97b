package dev.fabricscope.plan;

import dev.fabricscope.p2p.MapType;
import dev.fabricscope.planner.GpuPairing;
import dev.fabricscope.planner.PathClass;
import dev.fabricscope.planner.Pattern;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.planner.Planner;
import dev.fabricscope.planner.PlannerLimitException;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one host offers a job, computed once per snapshot: each GPU with the NIC port the planner
 * pairs it with and the rate it predicts with all GPUs sending to their NICs at once, and the
 * host's RDMA ports by link layer.
 *
 * @param host the host's name
 * @param gpus per GPU, in CUDA order
 * @param portsByLinkLayer RDMA ports per link layer (InfiniBand, Ethernet)
 * @param notPlanned why the planner did not plan the host (then it offers nothing), null when it
 *     did
 */
public record HostOffer(
    String host, List<GpuOffer> gpus, Map<String, Integer> portsByLinkLayer, String notPlanned) {

  public HostOffer {
    gpus = List.copyOf(gpus);
    portsByLinkLayer = Map.copyOf(portsByLinkLayer);
  }

  /** A planned host's offer. */
  public HostOffer(String host, List<GpuOffer> gpus, Map<String, Integer> portsByLinkLayer) {
    this(host, gpus, portsByLinkLayer, null);
  }

  /** A host the planner did not plan: it offers nothing, and says why. */
  public static HostOffer notPlanned(String host, String reason) {
    return new HostOffer(host, List.of(), Map.of(), reason);
  }

  /**
   * One GPU's offer.
   *
   * @param gpu the GPU's BDF
   * @param nic its paired NIC's BDF, null when the host has none
   * @param rdma the NIC's RDMA device, null when unknown
   * @param port the RDMA port, null when unknown
   * @param linkLayer the port's link layer, null when unknown
   * @param kernel the kernel's P2PDMA verdict for GPU and NIC (BUS_ADDR, THRU_HOST_BRIDGE,
   *     NOT_SUPPORTED)
   * @param pathClass the pairing's path class
   * @param gpuNicGBps the predicted GPU→NIC rate under the gpu-to-nic pattern, GB/s; null unknown
   */
  public record GpuOffer(
      String gpu,
      String nic,
      String rdma,
      Integer port,
      String linkLayer,
      MapType kernel,
      PathClass pathClass,
      Double gpuNicGBps) {}

  /**
   * The offer of a report, named {@code host}; a host over the planner's bounds ({@link
   * PlannerLimitException}: more than {@link Planner#MAX_FLOWS} GPUs, or more pairs than {@link
   * Planner#MAX_PAIRS}) offers nothing, with the reason, found before any pairing work.
   */
  public static HostOffer of(String host, Report report) {
    Planner planner = new Planner(report);
    PlanResult plan;
    try {
      plan = planner.plan(Pattern.GPU_TO_NIC, PlanOptions.DEFAULTS);
    } catch (PlannerLimitException e) {
      // a stored report passed the checks: the only refusals left are the planner's bounds
      return notPlanned(host, e.getMessage());
    }
    Map<String, Double> rates = new HashMap<>();
    for (PlanResult.FlowRate f : plan.flows()) {
      rates.put(f.source(), f.predictedGBps());
    }
    Map<String, String> layers = new HashMap<>();
    Map<String, Integer> ports = new HashMap<>();
    for (RdmaDevice d : report.rdma()) {
      for (RdmaDevice.Port p : d.ports()) {
        String layer = p.linkLayer() == null ? "unknown" : p.linkLayer();
        layers.put(d.name() + "/" + p.port(), layer);
        ports.merge(layer, 1, Integer::sum);
      }
    }
    List<GpuOffer> gpus = new ArrayList<>();
    for (GpuPairing g : plan.pairing()) {
      gpus.add(
          new GpuOffer(
              g.gpu(),
              g.nic(),
              g.rdma(),
              g.port(),
              g.rdma() == null ? null : layers.get(g.rdma() + "/" + g.port()),
              g.kernel(),
              g.pathClass(),
              rates.get(g.gpu())));
    }
    return new HostOffer(host, gpus, ports);
  }
}
