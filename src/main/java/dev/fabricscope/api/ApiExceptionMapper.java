package dev.fabricscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.security.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Every {@link ApiException} becomes an {@code application/problem+json} answer. */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<ApiException> {

  @Inject ObjectMapper mapper;

  @Override
  public Response toResponse(ApiException e) {
    return problem(mapper, e.status(), e.title(), e.getMessage());
  }

  /** A problem+json response. */
  static Response problem(ObjectMapper mapper, int status, String title, String detail) {
    try {
      String body = mapper.writeValueAsString(new Problem("about:blank", title, status, detail));
      Response.ResponseBuilder b = Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
      if (status == 401) {
        b.header("WWW-Authenticate", "Bearer realm=\"fabricscope\"");
      }
      if (status == 503) {
        b.header("Retry-After", "5");
      }
      return b.build();
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
