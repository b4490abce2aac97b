package dev.fabricscope.web;

import dev.fabricscope.api.FindingsResource;
import dev.fabricscope.api.HostPaths;
import dev.fabricscope.findings.FleetFindingsService;
import dev.fabricscope.p2p.Finding;
import dev.fabricscope.p2p.FleetFindings;
import dev.fabricscope.security.Access;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The findings page: the fleet findings grouped by rule, each rule with its explanation and each
 * finding linking to its host page with the devices preselected. Filtered by severity and host
 * through query parameters.
 */
@Path("/findings")
public class FindingsPage {

  /** What each rule checks, in words (the rules of {@link FleetFindings}). */
  static final Map<String, String> EXPLANATIONS =
      Map.of(
          FleetFindings.DOWNTRAINED_LINK,
          "A PCIe link trained narrower than both ends can do (e.g. x8 on a x16 slot): the"
              + " device gets a fraction of its bandwidth. Usually a badly seated card, a riser or a"
              + " BIOS bifurcation setting.",
          FleetFindings.LINK_SPEED_BELOW_CAPABLE,
          "Links running below their capable speed. Only suspect: GPUs and NICs idle down to"
              + " 2.5 GT/s, so check again under load.",
          FleetFindings.ACS_REDIRECT_SWITCH_PORT,
          "Switch downstream ports with ACS redirect on: peer-to-peer traffic between devices"
              + " under one switch is sent up to the root complex instead of across the switch.",
          FleetFindings.GPU_WITHOUT_CLOSE_NIC,
          "A GPU without a hardware RDMA NIC under a common PCIe switch (PIX/PXB): NCCL stages"
              + " GPUDirect RDMA through host memory.",
          FleetFindings.SOFTWARE_RDMA_WITH_HARDWARE,
          "A software RDMA device (rxe/siw) beside a hardware HCA: applications may pick the slow"
              + " software device.",
          FleetFindings.P2PMEM_UNPUBLISHED,
          "A P2PDMA memory pool that is not published to other drivers, so nobody can use it.",
          FleetFindings.DRIVER_P2P_DISAGREES,
          "A GPU pair where the NVIDIA driver's own P2P answer (NVML) differs from the kernel's"
              + " P2PDMA verdict or from NCCL's P2P choice: CUDA peer copies or NCCL's P2P"
              + " transport will not do what the topology suggests.",
          FleetFindings.DRIVER_P2P_NOT_ANALYSED,
          "Not analysed: the NVIDIA driver lists more GPU pairs than the server compares (4,096),"
              + " so whether its P2P answers disagree with the kernel's or NCCL's on this host is"
              + " unknown.",
          FleetFindings.GPU_NIC_NOT_ANALYSED,
          "Not analysed: the host has more matrix devices (GPUs, NICs, NVMe) than the server judges for GPU-to-NIC"
              + " distances (2,000), so whether a GPU lacks a close RDMA NIC there is unknown.",
          FleetFindings.HOST_NOT_SEEN,
          "The host's agent has not reported for several scan intervals (or never): its topology"
              + " may be stale.");

  /** Type-checked templates under {@code templates/FindingsPage/}. */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance findings(View view);
  }

  /**
   * One finding as a row.
   *
   * @param host host name
   * @param hostHref the host page, with the finding's devices preselected
   * @param devices the devices, comma separated, or empty
   * @param message the finding's sentence
   * @param fix what to change, or null
   * @param severity info, warning or critical
   * @param count how many findings it stands for ({@link Finding#count()}: more than 1 where a
   *     host's findings of its rule were folded into it)
   */
  public record Row(
      String host,
      String hostHref,
      String devices,
      String message,
      String fix,
      String severity,
      int count) {}

  /**
   * One rule's section.
   *
   * @param rule the rule identifier
   * @param anchor the section's id
   * @param severity the most severe severity among its findings
   * @param explanation what the rule checks
   * @param rows its findings
   */
  public record Group(
      String rule, String anchor, String severity, String explanation, List<Row> rows) {
    /** Number of findings: the rows and the findings folded into them. */
    public int count() {
      return rows.stream().mapToInt(Row::count).sum();
    }
  }

  /**
   * What the page shows.
   *
   * @param groups the rules with findings, most severe first
   * @param total number of findings shown, folded ones included ({@link Finding#count()})
   * @param severity the severity filter, or empty
   * @param host the host filter, or empty
   * @param hosts hosts with findings (for the host filter's suggestions)
   * @param json the same findings from the API: its first page, with this page's filters
   */
  public record View(
      List<Group> groups,
      int total,
      String severity,
      String host,
      List<String> hosts,
      String json) {}

  @Inject FleetFindingsService findings;
  @Inject Access access;

  /** The findings, grouped by rule. */
  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance findings(
      @Context HttpServerRequest request,
      @QueryParam("severity") String severity,
      @QueryParam("host") String host) {
    access.requireRead(request);
    String sev = severity == null || severity.isBlank() ? null : severity.trim().toLowerCase();
    String h = host == null || host.isBlank() ? null : host.trim();
    List<Finding> all = findings.all();
    List<String> hosts = new ArrayList<>(new TreeSet<>(all.stream().map(Finding::host).toList()));
    Map<String, List<Finding>> byRule = new LinkedHashMap<>();
    for (Finding f : findings.filter(null, h, sev)) {
      byRule.computeIfAbsent(f.rule(), k -> new ArrayList<>()).add(f);
    }
    List<Group> groups = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, List<Finding>> e : byRule.entrySet()) {
      Finding.Severity worst =
          e.getValue().stream()
              .map(Finding::severity)
              .max(Enum::compareTo)
              .orElse(Finding.Severity.INFO);
      List<Row> rows = e.getValue().stream().map(FindingsPage::row).toList();
      total += rows.stream().mapToInt(Row::count).sum();
      groups.add(
          new Group(
              e.getKey(),
              "rule-" + e.getKey(),
              worst.json(),
              EXPLANATIONS.getOrDefault(e.getKey(), ""),
              rows));
    }
    groups.sort(
        java.util.Comparator.comparing((Group g) -> -severityRank(g.severity()))
            .thenComparing(Group::rule));
    return Templates.findings(
        new View(
            groups,
            total,
            sev == null ? "" : sev,
            h == null ? "" : h,
            hosts,
            FindingsResource.query(null, h, sev, null, null)));
  }

  static int severityRank(String json) {
    for (Finding.Severity s : Finding.Severity.values()) {
      if (s.json().equals(json)) {
        return s.ordinal();
      }
    }
    return -1;
  }

  static Row row(Finding f) {
    return new Row(
        f.host(),
        hostHref(f.host(), f.devices()),
        String.join(", ", f.devices()),
        f.message(),
        f.fix(),
        f.severity().json(),
        f.count());
  }

  /** The host page, with the first two devices preselected as the pair ({@code ?a=&b=}). */
  static String hostHref(String host, List<String> devices) {
    StringBuilder b = new StringBuilder(HostPaths.page(host));
    if (!devices.isEmpty()) {
      b.append("?a=").append(HostPaths.encode(devices.get(0)));
      if (devices.size() > 1) {
        b.append("&b=").append(HostPaths.encode(devices.get(1)));
      }
    }
    return b.toString();
  }
}
