package dev.fabricscope.bandwidth;

import dev.fabricscope.api.Params;
import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import dev.fabricscope.topology.HostNames;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * On-demand bandwidth tests (issue 10): operators queue them, agents run them ({@link
 * AgentJobsResource}), everyone who may read sees them with the measured and the expected value.
 */
@Path("/api/v1/bandwidth-tests")
@Produces(MediaType.APPLICATION_JSON)
public class BandwidthTestsResource {

  @Inject Access access;
  @Inject BandwidthJobs jobs;
  @Inject BandwidthJobStore store;

  /** A page of tests, newest first. */
  public record Page(List<JobView> items, int offset, int limit) {}

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary =
          "Queue a bandwidth test (operator): {kind, source:{host, endpoint}, target:{host,"
              + " endpoint}, size, repetitions, durationSeconds, threads, pageable}; 201 with"
              + " Location; 400 shape, 422 values, unknown hosts and kinds the host cannot run")
  public Response create(byte[] body, @Context HttpServerRequest request) {
    Caller caller = access.require(request, Role.OPERATOR);
    TestRequest r = TestRequest.parse(body);
    Job j = jobs.create(r, caller);
    return Response.created(URI.create("/api/v1/bandwidth-tests/" + j.id()))
        .entity(JobView.of(j, null))
        .build();
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "A bandwidth test: state, result beside the expected value, raw output")
  public JobView get(@PathParam("id") String idParam, @Context HttpServerRequest request) {
    access.requireRead(request);
    long id = Params.id("test id", idParam);
    Job j = jobs.job(id);
    return JobView.of(j, store.rawOutput(id).orElse(null));
  }

  @GET
  @Operation(
      summary =
          "Bandwidth tests newest first: of a host, between two hosts (peer), of one pair of"
              + " endpoints (a on host, b on peer or host, either direction), of a kind")
  public Page list(
      @QueryParam("host") String host,
      @QueryParam("peer") String peer,
      @Parameter(description = "endpoint on host") @QueryParam("a") String a,
      @Parameter(description = "endpoint on peer (or host)") @QueryParam("b") String b,
      @QueryParam("kind") String kind,
      @QueryParam("offset") String offsetParam,
      @QueryParam("limit") String limitParam,
      @Context HttpServerRequest request) {
    access.requireRead(request);
    int offset = Params.intIn("offset", offsetParam, 0, 0, Integer.MAX_VALUE);
    int limit = Params.intIn("limit", limitParam, 50, 1, 500);
    checkHost("host", host);
    checkHost("peer", peer);
    if ((a == null) != (b == null)) {
      throw ApiException.badRequest("a and b name the two endpoints of a pair: give both");
    }
    if ((a != null || peer != null) && host == null) {
      throw ApiException.badRequest("a pair needs host (and peer for two hosts)");
    }
    String kindName = kind == null ? null : parse("kind", () -> BandwidthKind.of(kind).json());
    String ea = a == null ? null : parse("a", () -> Endpoint.parse(a).toString());
    String eb = b == null ? null : parse("b", () -> Endpoint.parse(b).toString());
    List<JobView> items =
        store
            .list(new BandwidthJobStore.Query(host, peer, ea, eb, kindName, offset, limit))
            .stream()
            .map(j -> JobView.of(j, null))
            .toList();
    return new Page(items, offset, limit);
  }

  @DELETE
  @Path("/{id}")
  @Operation(
      summary =
          "Cancel a queued or running bandwidth test (operator); its agent stops the helper at its"
              + " next event; 409 when the test is already over")
  public JobView cancel(@PathParam("id") String idParam, @Context HttpServerRequest request) {
    Caller caller = access.require(request, Role.OPERATOR);
    return JobView.of(jobs.cancel(Params.id("test id", idParam), caller), null);
  }

  private static void checkHost(String name, String value) {
    if (value != null) {
      HostNames.problem(value)
          .ifPresent(
              why -> {
                throw ApiException.badRequest(name + ": " + why);
              });
    }
  }

  private static String parse(String name, java.util.function.Supplier<String> s) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(name + ": " + e.getMessage());
    }
  }
}
