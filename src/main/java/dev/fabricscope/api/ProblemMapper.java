package dev.fabricscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Turns an unknown demo report into a 404 {@code application/problem+json} answer. */
@Provider
public class ProblemMapper implements ExceptionMapper<DemoReportNotFoundException> {

  @Inject ObjectMapper mapper;

  @Override
  public Response toResponse(DemoReportNotFoundException e) {
    Problem problem =
        new Problem(
            "about:blank",
            "Demo report not found",
            Response.Status.NOT_FOUND.getStatusCode(),
            e.getMessage());
    return Response.status(Response.Status.NOT_FOUND)
        .type(Problem.MEDIA_TYPE)
        .entity(json(problem))
        .build();
  }

  // Written here rather than left to a message body writer: not every JSON writer claims the
  // problem+json media type, and a String entity is served as-is whatever the type.
  private String json(Problem problem) {
    try {
      return mapper.writeValueAsString(problem);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
