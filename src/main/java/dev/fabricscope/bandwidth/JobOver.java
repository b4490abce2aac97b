package dev.fabricscope.bandwidth;

import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An agent's event on a job that is over: answered 409 {@code application/problem+json} with two
 * extension members, {@code cancelled} (true when an operator or the agent cancelled it) and {@code
 * state}, so the agent stops its helper or listener.
 */
public class JobOver extends RuntimeException {

  private final transient Job job;

  JobOver(Job job) {
    super("bandwidth test " + job.id() + " is " + job.state().json());
    this.job = job;
  }

  /** The job as it ended. */
  public Job job() {
    return job;
  }

  /** Maps {@link JobOver} to its 409. */
  @Provider
  public static class Mapper implements ExceptionMapper<JobOver> {
    @Override
    public Response toResponse(JobOver e) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", "about:blank");
      body.put("title", "Test over");
      body.put("status", 409);
      body.put("detail", e.getMessage());
      body.put("cancelled", e.job().state() == State.CANCELLED);
      body.put("state", e.job().state().json());
      return Response.status(409).type("application/problem+json").entity(body).build();
    }
  }
}
