package dev.fabricscope.bandwidth;

import dev.fabricscope.api.PageQuery;
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
import jakarta.ws.rs.BeanParam;
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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * On-demand bandwidth tests (issue 10): operators queue them, agents run them ({@link
 * AgentJobsResource}), everyone who may read sees them with the measured and the expected value.
 */
@Path("/api/v1/bandwidth-tests")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Bandwidth tests")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class BandwidthTestsResource {

  @Inject Access access;
  @Inject BandwidthJobs jobs;
  @Inject BandwidthJobStore store;

  /** A page of tests, newest first. */
  @Schema(name = "BandwidthTestPage")
  public record Page(List<JobView> items, int offset, int limit) {}

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "createBandwidthTest",
      summary = "Queue a bandwidth test (operator)",
      description =
          "400 for a body of the wrong shape or unknown fields; 422 for values out of range,"
              + " endpoints of no known form, unknown hosts, kinds the host's agent cannot run,"
              + " and endpoints its latest report lacks (a NUMA node, GPU, device or RDMA port not"
              + " in it; a host without a readable report).")
  @SecurityRequirement(name = "bearer", scopes = "operator")
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(ref = "BandwidthTestRequest")))
  @APIResponse(
      responseCode = "201",
      description = "Queued",
      headers =
          @Header(
              name = "Location",
              description = "The test's URI",
              schema = @Schema(type = SchemaType.STRING, format = "uri-reference")),
      content = @Content(schema = @Schema(implementation = JobView.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  @APIResponse(responseCode = "429", ref = "TooManyRequests")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(
      responseCode = "507",
      ref = "InsufficientStorage",
      description = "The database's volume is below fabricscope.history.min-free-disk")
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
  @Operation(
      operationId = "getBandwidthTest",
      summary = "A bandwidth test: state, result beside the expected value, raw output")
  @APIResponse(responseCode = "200", description = "The test")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public JobView get(
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam,
      @Context HttpServerRequest request) {
    access.requireRead(request);
    long id = Params.id("test id", idParam);
    Job j = jobs.job(id);
    return JobView.of(j, store.rawOutput(id).orElse(null));
  }

  @GET
  @Operation(
      operationId = "listBandwidthTests",
      summary =
          "Bandwidth tests newest first: of a host, between two hosts (peer), of one pair of"
              + " endpoints (a on host, b on peer or host, either direction), of a kind")
  @APIResponse(responseCode = "200", description = "A page of tests")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  public Page list(
      @QueryParam("host") String host,
      @QueryParam("peer") String peer,
      @Parameter(description = "endpoint on host") @QueryParam("a") String a,
      @Parameter(description = "endpoint on peer (or host)") @QueryParam("b") String b,
      @Parameter(schema = @Schema(ref = "BandwidthKind")) @QueryParam("kind") String kind,
      @BeanParam PageQuery page,
      @Context HttpServerRequest request) {
    access.requireRead(request);
    int offset = page.offset();
    int limit = page.limit();
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
      operationId = "cancelBandwidthTest",
      summary =
          "Cancel a queued or running bandwidth test (operator); its agent stops the helper at its"
              + " next event")
  @SecurityRequirement(name = "bearer", scopes = "operator")
  @APIResponse(responseCode = "200", description = "The cancelled test")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "409", ref = "Conflict", description = "The test is already over")
  public JobView cancel(
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam,
      @Context HttpServerRequest request) {
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
