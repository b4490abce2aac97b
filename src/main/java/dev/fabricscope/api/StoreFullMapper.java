package dev.fabricscope.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.inventory.StoreFullException;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A new snapshot refused below {@code fabricscope.history.min-free-disk} is a 507 Insufficient
 * Storage problem (RFC 4918 §11.5), not a 503: the cause is a volume an operator must clear or
 * grow, not a busy server, so no Retry-After invites a resend at a fixed pace; agents treat every
 * 5xx as "try later" and keep the report with their own doubling pause.
 */
@Provider
public class StoreFullMapper implements ExceptionMapper<StoreFullException> {

  /** The status. */
  public static final int INSUFFICIENT_STORAGE = 507;

  @Inject ObjectMapper mapper;

  @Override
  public Response toResponse(StoreFullException e) {
    return ApiExceptionMapper.problem(
        mapper, INSUFFICIENT_STORAGE, "Insufficient storage", e.getMessage());
  }
}
