package dev.fabricscope.web;

import dev.fabricscope.api.HostPaths;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.security.Access;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The host page: the PCIe fabric as a layered graph, pair selection with the verdict panel and the
 * P2P matrix. The page is rendered on the server; the graph and the panels are drawn by the bundled
 * script ({@code web/app/host.js}) from the read API.
 */
@Path("/hosts/{name}")
public class HostPage {

  /** Type-checked templates under {@code templates/HostPage/}. */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance host(View host);

    static native TemplateInstance missing(String name);
  }

  /**
   * What the page shows before its script runs.
   *
   * @param name host name
   * @param api the host's read API base path
   * @param cpu CPU model, or null
   * @param gpus GPU count
   * @param nics NIC count
   * @param nvme NVMe count
   * @param pci PCI functions
   * @param lastSeen last report, formatted
   * @param imported whether the host came from an import
   */
  public record View(
      String name,
      String api,
      String cpu,
      int gpus,
      int nics,
      int nvme,
      int pci,
      String lastSeen,
      boolean imported) {}

  @Inject InventoryStore store;
  @Inject Access access;

  /** The 404 page for a host the inventory does not know (host and history pages). */
  static Response missing(String name) {
    return Response.status(404)
        .type(MediaType.TEXT_HTML)
        .entity(Templates.missing(name).render())
        .build();
  }

  /** The host page, or a 404 page naming the host. */
  @GET
  @Produces(MediaType.TEXT_HTML)
  public Response host(@Context HttpServerRequest request, @PathParam("name") String name) {
    access.requireRead(request);
    Host h = store.host(name).orElse(null);
    if (h == null) {
      return missing(name);
    }
    IndexPage.Row r = IndexPage.row(h, java.util.Map.of());
    View v =
        new View(
            h.name(),
            HostPaths.api(h.name()),
            r.cpu(),
            r.gpus(),
            r.nics(),
            r.nvme(),
            r.pci(),
            r.lastSeen(),
            h.imported());
    return Response.ok(Templates.host(v)).build();
  }
}
