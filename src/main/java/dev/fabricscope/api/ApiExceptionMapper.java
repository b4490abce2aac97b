package dev.fabricscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.SignOn;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Every {@link ApiException} becomes an {@code application/problem+json} answer. */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<ApiException> {

  @Inject ObjectMapper mapper;

  @Inject SignOn signOn;

  @Inject CurrentVertxRequest current;

  @Override
  public Response toResponse(ApiException e) {
    if (e.status() == 401 && signOn.enabled()) {
      String page = pageToSignOnFor(current.getCurrent().request());
      if (page != null) {
        // a person at a page, not a script at the API: send them to sign on, then back here
        return Response.seeOther(
                URI.create("/login?then=" + URLEncoder.encode(page, StandardCharsets.UTF_8)))
            .build();
      }
    }
    return problem(mapper, e.status(), e.title(), e.getMessage(), e.retryAfterSeconds());
  }

  /** The path (with query) of a browser page GET without credentials, else null. */
  static String pageToSignOnFor(HttpServerRequest r) {
    String path = r.path();
    if (r.method() != HttpMethod.GET
        || path == null
        || path.startsWith("/api/")
        || path.startsWith("/q/")
        || path.startsWith("/login")
        || r.getHeader("Authorization") != null) {
      return null;
    }
    String accept = r.getHeader("Accept");
    if (accept == null || !accept.contains("text/html")) {
      return null;
    }
    return r.query() == null ? path : path + "?" + r.query();
  }

  /** A problem+json response; a 429 or 503 asks to retry after 5 s. */
  static Response problem(ObjectMapper mapper, int status, String title, String detail) {
    return problem(mapper, status, title, detail, 0);
  }

  /**
   * A problem+json response.
   *
   * @param retryAfterSeconds the {@code Retry-After} of a 429 or 503 (seconds), or 0 for 5 s
   */
  static Response problem(
      ObjectMapper mapper, int status, String title, String detail, long retryAfterSeconds) {
    try {
      String body = mapper.writeValueAsString(new Problem("about:blank", title, status, detail));
      Response.ResponseBuilder b = Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
      Problem.headers(status, retryAfterSeconds).forEach(b::header);
      return b.build();
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
