package dev.fabricscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A JSON request body that does not read as the expected type (a heartbeat's {@code host} as an
 * object, a token's role as an array, broken syntax) is a 400 problem. Without this the framework's
 * own mapper answers 400 with an empty body.
 */
@Provider
public class JsonBodyProblemMapper implements ExceptionMapper<JsonProcessingException> {

  @Inject ObjectMapper mapper;

  @Override
  public Response toResponse(JsonProcessingException e) {
    return problem(mapper, e);
  }

  static Response problem(ObjectMapper mapper, JsonProcessingException e) {
    // the original message only: Jackson appends source excerpts and class names
    return ApiExceptionMapper.problem(
        mapper,
        400,
        "Malformed JSON body",
        "the JSON body does not read: " + e.getOriginalMessage());
  }

  /** The framework registers its own mapper for this subtype; this one replaces it. */
  @Provider
  public static class Mismatched implements ExceptionMapper<MismatchedInputException> {

    @Inject ObjectMapper mapper;

    @Override
    public Response toResponse(MismatchedInputException e) {
      return problem(mapper, e);
    }
  }
}
