package dev.fabricscope.web;

import dev.fabricscope.api.HostPaths;
import dev.fabricscope.fabric.FabricService;
import dev.fabricscope.fabric.HostRdmaPorts;
import dev.fabricscope.fabric.RdmaFabric;
import dev.fabricscope.inventory.FabricDiscoveryStore;
import dev.fabricscope.security.Access;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The RDMA fabric page: one section per subnet with its hosts and ports, and the uploaded {@code
 * ibnetdiscover} outputs that tell InfiniBand fabrics apart.
 */
@Path("/fabric")
public class FabricPage {

  /** Type-checked templates under {@code templates/FabricPage/}. */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance fabric(
        List<Section> subnets,
        List<Port> withoutGid,
        int hosts,
        int ports,
        Map<String, Integer> leftOut,
        int maxPorts,
        List<FabricDiscoveryStore.Entry> uploads);
  }

  /**
   * One port row, with the link to its host's page and the link that opens a test from it there
   * (the device name URL-encoded: a name is the agent's text, and a {@code &} in it would add
   * parameters of its own).
   */
  public record Port(RdmaFabric.PortRow row, String href, String testHref, boolean active) {}

  /** One subnet as shown. */
  public record Section(
      String id,
      String anchor,
      String linkLayer,
      String prefix,
      String fabric,
      String discovery,
      String discoveryHref,
      String smLid,
      List<String> smLids,
      List<String> switchGuids,
      boolean mayMergeFabrics,
      int hostCount,
      int portCount,
      Map<String, Integer> byState,
      Map<String, Integer> byRate,
      List<Port> ports) {}

  @Inject Access access;
  @Inject FabricService fabric;
  @Inject FabricDiscoveryStore uploads;

  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance page(@Context HttpServerRequest request) {
    access.requireRead(request);
    FabricService.View view = fabric.view();
    List<RdmaFabric.Subnet> subnets = view.subnets();
    List<FabricDiscoveryStore.Entry> uploaded = uploads.list();
    Set<String> uploadedNames =
        uploaded.stream().map(FabricDiscoveryStore.Entry::name).collect(Collectors.toSet());
    List<Section> sections =
        subnets.stream()
            .map(
                s ->
                    new Section(
                        s.id(),
                        "subnet-" + s.id().replaceAll("[^A-Za-z0-9]+", "-"),
                        s.linkLayer(),
                        s.prefix(),
                        s.fabric(),
                        s.discovery(),
                        s.discovery() != null && uploadedNames.contains(s.discovery())
                            ? "/api/v1/fabric/discoveries/" + s.discovery()
                            : null,
                        s.smLid(),
                        s.smLids(),
                        s.switchGuids(),
                        s.mayMergeFabrics(),
                        s.hostCount(),
                        s.portCount(),
                        s.byState(),
                        s.byRate(),
                        s.ports().stream().map(FabricPage::port).toList()))
            .toList();
    List<Port> withoutGid = view.withoutGid().stream().map(FabricPage::port).toList();
    int hosts = (int) subnets.stream().flatMap(s -> s.hosts().stream()).distinct().count();
    int ports = subnets.stream().mapToInt(RdmaFabric.Subnet::portCount).sum();
    return Templates.fabric(
        sections, withoutGid, hosts, ports, view.leftOut(), HostRdmaPorts.MAX_PORTS, uploaded);
  }

  private static Port port(RdmaFabric.PortRow p) {
    String href = HostPaths.page(p.host());
    String source = "rdma:" + p.device() + ":" + p.port();
    String test = href + "?bw=rdma-write&source=" + HostPaths.encode(source) + "#bandwidth";
    return new Port(p, href, test, "ACTIVE".equals(p.state()));
  }
}
