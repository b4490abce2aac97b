package dev.fabricscope.web;

import dev.fabricscope.api.HostPaths;
import dev.fabricscope.inventory.PlanStore;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What-if plans (issue 13) for people: the list of plans and one plan's page, where the copied
 * host's fabric is drawn as the host page draws it, edited, previewed, saved as versions and
 * compared with the host. The server renders the frame; the bundled script ({@code
 * web/app/plan.js}) draws and edits through the plan API ({@code /api/v1/plans}), which computes
 * every verdict and prediction.
 */
@Path("/plans")
public class PlanPage {

  /** Most plans the list shows (the API's own limit). */
  static final int LIST_LIMIT = 500;

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** Type-checked templates under {@code templates/PlanPage/}. */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance plans(List<Row> plans);

    static native TemplateInstance plan(View plan);

    static native TemplateInstance missing(String id);
  }

  /**
   * One row of the plans list.
   *
   * @param id plan id
   * @param href the plan page
   * @param name plan name
   * @param host the host it was copied from
   * @param hostHref that host's page
   * @param snapshotId the host snapshot copied
   * @param versions the latest version number
   * @param created when it was created, formatted
   * @param createdBy who created it
   */
  public record Row(
      long id,
      String href,
      String name,
      String host,
      String hostHref,
      long snapshotId,
      int versions,
      String created,
      String createdBy) {}

  /**
   * What the plan page shows before its script runs.
   *
   * @param id plan id
   * @param api the plan's API base path
   * @param name plan name
   * @param host the host it was copied from
   * @param hostHref that host's page
   * @param snapshotId the host snapshot copied
   * @param latestVersion the highest version number
   * @param created when it was created, formatted
   * @param createdBy who created it
   */
  public record View(
      long id,
      String api,
      String name,
      String host,
      String hostHref,
      long snapshotId,
      int latestVersion,
      String created,
      String createdBy) {}

  @Inject PlanStore store;
  @Inject Access access;

  /** The plans, newest first. */
  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance plans(@Context HttpServerRequest request) {
    access.requireRead(request);
    List<Row> rows =
        store.plans(LIST_LIMIT).stream()
            .map(
                p ->
                    new Row(
                        p.id(),
                        "/plans/" + p.id(),
                        p.name(),
                        p.host(),
                        HostPaths.page(p.host()),
                        p.snapshotId(),
                        p.latestVersion(),
                        when(p.created()),
                        p.createdBy()))
            .toList();
    return Templates.plans(rows);
  }

  /** One plan's page, or a 404 page naming the id. */
  @GET
  @Path("/{id}")
  @Produces(MediaType.TEXT_HTML)
  public Response plan(@Context HttpServerRequest request, @PathParam("id") String idParam) {
    access.requireRead(request);
    PlanStore.Summary p = null;
    if (idParam.matches("[0-9]{1,18}")) {
      p = store.summary(Long.parseLong(idParam)).orElse(null);
    }
    if (p == null) {
      return Response.status(404)
          .type(MediaType.TEXT_HTML)
          .entity(Templates.missing(idParam).render())
          .build();
    }
    View v =
        new View(
            p.id(),
            "/api/v1/plans/" + p.id(),
            p.name(),
            p.host(),
            HostPaths.page(p.host()),
            p.snapshotId(),
            p.latestVersion(),
            when(p.created()),
            p.createdBy());
    return Response.ok(Templates.plan(v)).build();
  }

  private static String when(Instant t) {
    return t == null ? "unknown" : WHEN.format(t);
  }
}
