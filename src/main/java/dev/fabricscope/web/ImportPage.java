package dev.fabricscope.web;

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

/**
 * The import page: a file (picker or drag-and-drop), a host name and an operator token; the bundled
 * script ({@code web/app/import.js}) posts the raw bytes to {@code POST /api/v1/imports} and shows
 * the result. The token is kept in the browser's sessionStorage only, never in the page.
 */
@Path("/import")
public class ImportPage {

  /** Type-checked templates under {@code templates/ImportPage/}. */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance importPage();
  }

  @Inject Access access;

  /** The upload form. */
  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance page(@Context HttpServerRequest request) {
    access.requireRead(request);
    return Templates.importPage();
  }
}
