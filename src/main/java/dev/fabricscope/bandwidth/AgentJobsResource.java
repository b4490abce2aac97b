package dev.fabricscope.bandwidth;

import dev.fabricscope.api.Params;
import dev.fabricscope.inventory.AgentCapabilityStore;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.HostNames;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The agents' side of bandwidth tests, each call with the agent token of {@code host} (another
 * host's token: 403): the long poll for work, events on a job, and the helper list.
 */
@Path("/api/v1/agents/{host}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Agents")
@SecurityRequirement(name = "bearer", scopes = "agent")
public class AgentJobsResource {

  @Inject Access access;
  @Inject BandwidthJobs jobs;
  @Inject JobPathRehearsal rehearsal;
  @Inject AgentCapabilityStore capabilities;
  @Inject BandwidthSettings settings;

  /** What an agent gets back for an event: the job's state after it. */
  @Schema(name = "JobEventAck")
  public record EventAck(long jobId, @Schema(ref = "BandwidthTestState") String state) {}

  /** A host's helpers as its agent reported them. */
  public record HelperList(String host, Instant updated, List<HelperStatus> helpers) {}

  /**
   * Long poll, without a thread per waiting agent ({@link JobPoll}): the caller is checked before
   * every take, and a host has at most {@code max-polls-per-host} polls waiting.
   */
  @GET
  @Path("/jobs")
  @NonBlocking
  @Operation(
      operationId = "pollJobs",
      summary = "Agent long poll for bandwidth-test work (agent token of the host)")
  @APIResponse(
      responseCode = "200",
      description = "A side of a test to run or listen for",
      content = @Content(schema = @Schema(implementation = JobView.Assignment.class)))
  @APIResponse(responseCode = "204", description = "Nothing within waitSeconds")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(
      responseCode = "401",
      ref = "Unauthorized",
      description = "No valid token, or the token was revoked while the poll waited")
  @APIResponse(
      responseCode = "422",
      ref = "UnprocessableContent",
      description = "Invalid host name")
  @APIResponse(
      responseCode = "429",
      ref = "TooManyRequests",
      description =
          "The host has fabricscope.bandwidth.max-polls-per-host polls waiting (Retry-After)")
  public Uni<Response> poll(
      @PathParam("host") String host,
      @Parameter(
              schema =
                  @Schema(
                      type = SchemaType.INTEGER,
                      minimum = "0",
                      maximum = "60",
                      defaultValue = "25"))
          @QueryParam("waitSeconds")
          String waitParam,
      @Context HttpServerRequest request) {
    checkHost(host);
    int wait =
        Params.intIn(
            "waitSeconds",
            waitParam,
            (int) settings.pollWait().toSeconds(),
            0,
            (int) settings.pollMaxWait().toSeconds());
    return new JobPoll(access, jobs, settings, host, Duration.ofSeconds(wait), request).run();
  }

  @POST
  @Path("/jobs/{id}/events")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "postJobEvent",
      summary = "An agent's event on a job: started, listening, progress, result, error, cancelled")
  @RequestBody(
      required = true,
      content =
          @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "AgentJobEvent")))
  @APIResponse(responseCode = "200", description = "The job's state after the event")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(
      responseCode = "409",
      description = "The test is over: stop the helper or listener",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(ref = "TestOverProblem")))
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  public EventAck event(
      @PathParam("host") String host,
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam,
      byte[] body,
      @Context HttpServerRequest request) {
    checkHost(host);
    access.requireAgentFor(request, host);
    long id = Params.id("job id", idParam);
    Job j = jobs.event(host, id, AgentEvent.parse(body));
    return new EventAck(j.id(), j.state().json());
  }

  @PUT
  @Path("/capabilities")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "putCapabilities",
      summary = "The agent's bandwidth helpers, replacing the previous list")
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(type = SchemaType.ARRAY, implementation = HelperStatus.class)))
  @APIResponse(responseCode = "200", description = "The list as stored")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  public HelperList putCapabilities(
      @PathParam("host") String host, byte[] body, @Context HttpServerRequest request) {
    checkHost(host);
    access.requireAgentFor(request, host);
    List<HelperStatus> helpers = HelperStatus.parseList(body);
    Instant now = Instant.now();
    capabilities.putCapabilities(host, Capabilities.write(helpers), now);
    rehearsal.agentReported(host);
    return new HelperList(host, now, helpers);
  }

  @GET
  @Path("/capabilities")
  @Operation(
      operationId = "getCapabilities",
      summary = "The bandwidth helpers the host's agent reported (viewer)")
  @SecurityRequirement(name = "bearer", scopes = "viewer")
  @APIResponse(responseCode = "200", description = "The helpers")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(
      responseCode = "422",
      ref = "UnprocessableContent",
      description = "Invalid host name")
  public HelperList getCapabilities(
      @PathParam("host") String host, @Context HttpServerRequest request) {
    access.requireRead(request);
    checkHost(host);
    AgentCapabilityStore.Capabilities c =
        capabilities
            .capabilities(host)
            .orElseThrow(() -> ApiException.notFound("the agent of " + host + " reported none"));
    return new HelperList(host, c.updated(), Capabilities.read(c));
  }

  private static void checkHost(String host) {
    HostNames.problem(host)
        .ifPresent(
            why -> {
              throw new ApiException(422, "Invalid host", why);
            });
  }
}
