package dev.fabricscope.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The framework's own errors (unknown path, wrong method, unsupported media type, a body the
 * framework could not read) as problem+json too, so every 4xx of the API has one shape.
 */
@Provider
public class WebExceptionMapper implements ExceptionMapper<WebApplicationException> {

  @Inject ObjectMapper mapper;

  @Override
  public Response toResponse(WebApplicationException e) {
    Response r = e.getResponse();
    int status = r == null ? 500 : r.getStatus();
    String title = r == null ? "Error" : r.getStatusInfo().getReasonPhrase();
    return ApiExceptionMapper.problem(mapper, status, title, e.getMessage());
  }
}
