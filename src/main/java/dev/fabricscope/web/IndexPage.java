package dev.fabricscope.web;

import dev.fabricscope.api.HostPaths;
import dev.fabricscope.api.Params;
import dev.fabricscope.findings.FleetFindingsService;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.p2p.Finding;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet page: the inventory's hosts, paged on the server, filtered by name. Readable by whoever
 * may read the API (anonymous only with anonymous-read on).
 */
@Path("/")
public class IndexPage {

  static final int PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;

  private static final DateTimeFormatter SEEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** Type-checked templates under {@code templates/IndexPage/}. */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance index(Fleet fleet);
  }

  /**
   * One row of the fleet table.
   *
   * @param name host name
   * @param href the host page
   * @param cpu CPU model, or null
   * @param gpus GPU count
   * @param nics NIC count (RDMA devices included)
   * @param nvme NVMe controllers
   * @param pci PCI functions
   * @param lastSeen last report, formatted
   * @param lastSeenIso last report, ISO-8601
   * @param imported whether the host came from an import rather than an agent
   * @param findings number of fleet findings
   */
  public record Row(
      String name,
      String href,
      String cpu,
      int gpus,
      int nics,
      int nvme,
      int pci,
      String lastSeen,
      String lastSeenIso,
      boolean imported,
      long findings) {}

  /**
   * What the page shows.
   *
   * @param rows this page's hosts
   * @param total hosts matching the filter
   * @param name the name filter, or empty
   * @param gpuOnly whether only hosts with GPUs are listed
   * @param label the label filter ({@code key=value}), or empty
   * @param from first row number (1-based), 0 when empty
   * @param to last row number
   * @param prev link to the previous page, or null
   * @param next link to the next page, or null
   */
  public record Fleet(
      List<Row> rows,
      long total,
      String name,
      boolean gpuOnly,
      String label,
      long from,
      long to,
      String prev,
      String next,
      String sort,
      String sortByName,
      String sortByGpus,
      String sortByPci,
      String sortBySeen) {}

  @Inject InventoryStore store;
  @Inject FleetFindingsService findings;
  @Inject Access access;

  /** The fleet table. */
  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance index(
      @Context HttpServerRequest request,
      @QueryParam("name") String name,
      @QueryParam("gpu") String gpu,
      @QueryParam("label") String label,
      @QueryParam("offset") String offsetParam,
      @QueryParam("limit") String limitParam,
      @QueryParam("sort") String sortParam) {
    access.requireRead(request);
    // out-of-range numbers in a hand-edited URL are clamped below; non-numbers are a 400
    int offset = Params.intIn("offset", offsetParam, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    int limit = Params.intIn("limit", limitParam, PAGE_SIZE, Integer.MIN_VALUE, Integer.MAX_VALUE);
    InventoryStore.Sort sort;
    try {
      sort = InventoryStore.Sort.parse(sortParam);
    } catch (IllegalArgumentException e) {
      sort = InventoryStore.Sort.NAME; // an unknown sort in a hand-edited URL: the default order
    }
    String filter = name == null || name.isBlank() ? null : name.trim();
    int off = Math.max(0, offset);
    int lim = Math.min(MAX_PAGE_SIZE, Math.max(1, limit));
    boolean gpuOnly = gpu != null && !gpu.isBlank() && !"0".equals(gpu);
    String labelFilter = label == null || label.isBlank() ? null : label.trim();
    InventoryStore.Page<Host> page =
        store.hosts(
            new InventoryStore.HostQuery(
                filter, labelFilter, gpuOnly ? Boolean.TRUE : null, off, lim, sort));
    Map<String, Long> counts = new HashMap<>();
    // a finding that stands for others folded into it counts them all (FleetFindings.MAX_PER_RULE)
    findings
        .forHosts(page.items())
        .forEach((h, list) -> counts.put(h, list.stream().mapToLong(Finding::count).sum()));
    List<Row> rows = page.items().stream().map(h -> row(h, counts)).toList();
    List<String> params = new java.util.ArrayList<>();
    if (filter != null) {
      params.add("name=" + URLEncoder.encode(filter, StandardCharsets.UTF_8));
    }
    if (gpuOnly) {
      params.add("gpu=1");
    }
    if (labelFilter != null) {
      params.add("label=" + URLEncoder.encode(labelFilter, StandardCharsets.UTF_8));
    }
    String filters = String.join("&", params);
    String sortKey = sortParam == null || sort == InventoryStore.Sort.NAME ? "name" : sortParam;
    if (!sortKey.equals("name")) {
      params.add("sort=" + sortKey);
    }
    String q = String.join("&", params);
    String prev = off > 0 ? link(q, Math.max(0, off - lim), lim) : null;
    String next = off + rows.size() < page.total() ? link(q, off + lim, lim) : null;
    return Templates.index(
        new Fleet(
            rows,
            page.total(),
            filter == null ? "" : filter,
            gpuOnly,
            labelFilter == null ? "" : labelFilter,
            rows.isEmpty() ? 0 : off + 1,
            off + rows.size(),
            prev,
            next,
            sortKey,
            sortHref(filters, "name"),
            sortHref(filters, "gpus"),
            sortHref(filters, "pciFunctions"),
            sortHref(filters, "lastSeen")));
  }

  /** The first page of the same filters in another order. */
  static String sortHref(String filters, String sort) {
    String q = filters.isEmpty() ? "" : filters + "&";
    return sort.equals("name")
        ? (filters.isEmpty() ? "/" : "/?" + filters)
        : "/?" + q + "sort=" + sort;
  }

  static String link(String q, int offset, int limit) {
    StringBuilder b = new StringBuilder("/?");
    if (!q.isEmpty()) {
      b.append(q).append('&');
    }
    b.append("offset=").append(offset);
    if (limit != PAGE_SIZE) {
      b.append("&limit=").append(limit);
    }
    return b.toString();
  }

  static Row row(Host h, Map<String, Long> counts) {
    InventoryStore.HostSummary s = h.summary();
    Instant seen = h.lastSeen();
    return new Row(
        h.name(),
        HostPaths.page(h.name()),
        s == null ? null : s.cpu(),
        s == null ? 0 : s.gpus(),
        s == null ? 0 : s.nics(),
        s == null ? 0 : s.nvme(),
        s == null ? 0 : s.pciFunctions(),
        seen == null ? "never" : SEEN.format(seen),
        seen == null ? "" : seen.toString(),
        h.imported(),
        counts.getOrDefault(h.name(), 0L));
  }
}
