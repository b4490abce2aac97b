package dev.fabricscope.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.planner.GpuPairing;
import dev.fabricscope.planner.Pattern;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.report.ReportJson;
import java.util.Locale;
import java.util.Objects;

/** {@code plan}'s two outputs: the fixed JSON of issue 13 and a text table. */
final class PlanText {

  private PlanText() {}

  /**
   * Exactly {@code {"pairing":[{gpu,nic,nvme,nvidia,kernel}], "flows":[{source,target,
   * predictedGBps,bottleneck:{upstream,downstream,capacityGBps,flows}}],
   * "links":[{upstream,downstream,direction,capacityGBps,usedGBps}]}}, BDFs for devices.
   */
  static String json(PlanResult plan) {
    ObjectNode root = ReportJson.mapper().createObjectNode();
    ArrayNode pairing = root.putArray("pairing");
    for (GpuPairing p : plan.pairing()) {
      pairing
          .addObject()
          .put("gpu", p.gpu())
          .put("nic", p.nic())
          .put("nvme", p.nvme())
          .put("nvidia", Objects.toString(p.nvidia(), null))
          .put("kernel", Objects.toString(p.kernel(), null));
    }
    ArrayNode flows = root.putArray("flows");
    for (PlanResult.FlowRate f : plan.flows()) {
      ObjectNode o =
          flows
              .addObject()
              .put("source", f.source())
              .put("target", f.target())
              .put("predictedGBps", f.predictedGBps());
      if (f.bottleneck() == null) {
        o.putNull("bottleneck");
      } else {
        o.putObject("bottleneck")
            .put("upstream", f.bottleneck().upstream())
            .put("downstream", f.bottleneck().downstream())
            .put("capacityGBps", f.bottleneck().capacityGBps())
            .put("flows", f.bottleneck().flows());
      }
    }
    ArrayNode links = root.putArray("links");
    for (PlanResult.LinkLoad l : plan.links()) {
      links
          .addObject()
          .put("upstream", l.upstream())
          .put("downstream", l.downstream())
          .put("direction", l.direction())
          .put("capacityGBps", l.capacityGBps())
          .put("usedGBps", l.usedGBps());
    }
    try {
      return ReportJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Three tables: pairing with env lines, flows, links. */
  static String text(PlanResult plan, Pattern pattern) {
    StringBuilder b = new StringBuilder();
    b.append("Pairing\n");
    b.append(
        String.format(
            Locale.ROOT,
            "%-14s %-14s %-8s %-16s %-14s %s%n",
            "GPU",
            "NIC",
            "class",
            "kernel",
            "NVMe",
            "env"));
    for (GpuPairing p : plan.pairing()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-14s %-14s %-8s %-16s %-14s %s%n",
              p.gpu(),
              dash(p.rdma() != null ? p.rdma() : p.nic()),
              dash(p.pathClass() == null ? null : p.pathClass().name()),
              dash(Objects.toString(p.kernel(), null)),
              dash(p.nvme()),
              String.join(" ", p.env())));
    }
    b.append("\nFlows (").append(pattern.cliName()).append(", max-min fair, GB/s per direction)\n");
    for (PlanResult.FlowRate f : plan.flows()) {
      PlanResult.LinkLoad l = f.bottleneck();
      b.append(
          String.format(
              Locale.ROOT,
              "%-22s -> %-22s %8s  %s%n",
              f.source(),
              f.target(),
              f.predictedGBps() == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.2f", f.predictedGBps()),
              l == null
                  ? "no link of known capacity"
                  : String.format(
                      Locale.ROOT,
                      "bottleneck %s %s-%s %s %.2f GB/s shared by %d",
                      l.kind(),
                      l.upstream(),
                      l.downstream(),
                      l.direction(),
                      l.capacityGBps(),
                      l.flows())));
    }
    b.append("\nLinks\n");
    for (PlanResult.LinkLoad l : plan.links()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%-12s %-14s %-16s %-4s %8.2f of %8.2f GB/s (%d flows)%n",
              l.kind(),
              l.upstream(),
              l.downstream(),
              l.direction(),
              l.usedGBps(),
              l.capacityGBps(),
              l.flows()));
    }
    return b.toString();
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
