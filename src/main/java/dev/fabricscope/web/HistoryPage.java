package dev.fabricscope.web;

import dev.fabricscope.api.HostPaths;
import dev.fabricscope.api.HostSnapshots;
import dev.fabricscope.api.Params;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.inventory.InventoryStore.SnapshotMeta;
import dev.fabricscope.security.Access;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The history page: a host's snapshots on a timeline (newest first); two chosen snapshots (default:
 * the two newest) are compared and the structural diff is drawn on the host graph by the bundled
 * script ({@code web/app/history.js}) from the read API.
 */
@Path("/hosts/{name}/history")
public class HistoryPage {

  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /** Type-checked templates under {@code templates/HistoryPage/}. */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance history(View host, List<Snap> snapshots, Paging paging);
  }

  /**
   * The host.
   *
   * @param name host name
   * @param api the host's read API base path
   * @param imported whether the host came from an import
   */
  public record View(String name, String api, boolean imported) {}

  /**
   * One snapshot on the timeline.
   *
   * @param id snapshot id
   * @param at received, ISO-8601
   * @param time received, formatted
   * @param source the report's source
   * @param imported whether it came through an import
   * @param index position, 0 = newest
   */
  public record Snap(long id, String at, String time, String source, boolean imported, int index) {}

  /**
   * Where the timeline is: a page of {@link #PAGE} snapshots at most (a host that changed a million
   * times still gets a page of HTML, not the million).
   *
   * @param older the link to the next older page, null on the last
   * @param newest the link back to the newest page, null on it
   */
  public record Paging(String older, String newest) {}

  /** Snapshots on one page of the timeline. */
  static final int PAGE = 200;

  @Inject InventoryStore store;
  @Inject HostSnapshots snapshots;
  @Inject Access access;

  /** The history page, or the host page's 404 page naming the host. */
  @GET
  @Produces(MediaType.TEXT_HTML)
  public Response history(
      @Context HttpServerRequest request,
      @PathParam("name") String name,
      @QueryParam("before") String beforeParam) {
    access.requireRead(request);
    Long before = Params.id("before", beforeParam);
    Host h = store.host(name).orElse(null);
    if (h == null) {
      return HostPage.missing(name);
    }
    if (before != null) {
      snapshots.ofHost(h, before);
    }
    List<SnapshotMeta> page = store.snapshots(name, before, PAGE + 1);
    List<Snap> snaps = new ArrayList<>();
    int i = 0;
    for (SnapshotMeta s : page.subList(0, Math.min(PAGE, page.size()))) {
      snaps.add(
          new Snap(
              s.id(),
              s.receivedAt().toString(),
              TIME.format(s.receivedAt()),
              s.source() == null ? "unknown" : s.source(),
              s.imported(),
              i++));
    }
    View v = new View(h.name(), HostPaths.api(h.name()), h.imported());
    String self = "/hosts/" + v.api().substring("/api/v1/hosts/".length()) + "/history";
    Paging paging =
        new Paging(
            page.size() > PAGE ? self + "?before=" + page.get(PAGE - 1).id() : null,
            before == null ? null : self);
    return Response.ok(Templates.history(v, snaps, paging)).build();
  }
}
