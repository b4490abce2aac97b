package dev.fabricscope.plans;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.api.GzipJson;
import dev.fabricscope.api.HostSnapshots;
import dev.fabricscope.api.P2pMatrices;
import dev.fabricscope.api.Params;
import dev.fabricscope.api.WholeReports;
import dev.fabricscope.inventory.PlanStore;
import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import dev.fabricscope.topology.Report;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
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
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What-if plans (issue 13): operators copy a host into a plan and save numbered versions of edits
 * on it; everyone who may read sees them. What a version predicts is {@link PlanViewsResource}.
 */
@Path("/api/v1/plans")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Plans")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class PlansResource {

  @Inject Access access;
  @Inject PlanStore store;
  @Inject HostSnapshots hosts;
  @Inject PlanService plans;
  @Inject P2pMatrices matrices;
  @Inject WholeReports whole;
  @Inject ObjectMapper mapper;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "createPlan",
      summary = "Copy a host's latest snapshot into a new plan (operator)",
      description = "Body: {\"host\": NAME, \"name\": optional text}. Version 1 has no edits.")
  @SecurityRequirement(name = "bearer", scopes = "operator")
  @APIResponse(responseCode = "201", description = "The plan")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "409", ref = "Conflict")
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  public Response create(byte[] body, @Context HttpServerRequest request) {
    Caller caller = access.require(request, Role.OPERATOR);
    PlanBodies.Create c = PlanBodies.create(body);
    long snapshotId = hosts.snapshotAt(c.host(), null);
    String report = hosts.json(snapshotId);
    long id;
    try {
      id = store.create(c.name(), c.host(), snapshotId, report, caller.name(), Instant.now());
    } catch (PlanStore.LimitReachedException e) {
      throw new ApiException(409, "Limit reached", e.getMessage());
    }
    return Response.created(URI.create("/api/v1/plans/" + id))
        .entity(PlanView.of(plans.full(id)))
        .build();
  }

  @GET
  @Operation(
      operationId = "listPlans",
      summary = "Plans, newest first, without their versions (GET /plans/{id} has them)")
  @APIResponse(responseCode = "200", description = "The plans")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  public List<PlanSummary> list(
      @Parameter(
              schema =
                  @Schema(
                      type = SchemaType.INTEGER,
                      minimum = "1",
                      maximum = "500",
                      defaultValue = "100"))
          @QueryParam("limit")
          String limitParam,
      @Context HttpServerRequest request) {
    access.requireRead(request);
    int limit = Params.intIn("limit", limitParam, 100, 1, 500);
    return store.plans(limit).stream().map(PlanSummary::of).toList();
  }

  @GET
  @Path("/{id}")
  @Operation(operationId = "getPlan", summary = "A plan with every version and its edits")
  @APIResponse(
      responseCode = "200",
      description = "The plan",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = PlanView.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response get(
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam,
      @Context HttpServerRequest request,
      @Context RoutingContext routing) {
    var caller = access.requireRead(request);
    long id = Params.id("plan id", idParam);
    // every version's edits (up to fabricscope.plans.max-bytes of them) read, parsed and written
    // out in one of the /p2p slots, and answered as a whole report is (WholeReports): a client
    // that did not read had held the whole text (the fourteenth review's reading of its change)
    return whole.ok(
        () ->
            matrices.inSlot(
                () -> {
                  try {
                    return GzipJson.compress(
                        mapper.writeValueAsString(PlanView.of(plans.full(id))));
                  } catch (JsonProcessingException e) {
                    throw new IllegalStateException("writing plan " + id, e);
                  }
                }),
        caller,
        routing);
  }

  @POST
  @Path("/{id}/versions")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "addPlanVersion",
      summary = "Save the plan's edits as a new version (operator)",
      description =
          "Body: {\"basedOn\": the latest version, \"edits\": the whole edit list, \"note\":"
              + " optional}. 409 when basedOn is no longer the latest version (someone saved in"
              + " between), or, titled \"Limit reached\", when the plan has"
              + " fabricscope.plans.max-versions versions; 422 when an edit cannot apply, naming"
              + " it.")
  @SecurityRequirement(name = "bearer", scopes = "operator")
  @APIResponse(responseCode = "201", description = "The new version")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "409", ref = "Conflict")
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response addVersion(
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam,
      byte[] body,
      @Context HttpServerRequest request) {
    Caller caller = access.require(request, Role.OPERATOR);
    long id = Params.id("plan id", idParam);
    PlanStore.Summary p = plans.plan(id);
    PlanBodies.NewVersion v = PlanBodies.newVersion(body);
    // refused edits never reach the store; the base is kept or parsed in a slot, the edits applied
    // in another, as /preview does
    Report base = plans.base(id);
    matrices.inSlot(() -> PlanService.apply(base, v.edits()));
    int version;
    try {
      version =
          store.addVersion(
              id,
              v.basedOn(),
              PlanService.writeEdits(v.edits()),
              v.note(),
              caller.name(),
              Instant.now());
    } catch (PlanStore.LimitReachedException e) {
      throw new ApiException(409, "Limit reached", e.getMessage());
    } catch (PlanStore.NoPlanException e) {
      throw ApiException.notFound(e.getMessage());
    } catch (PlanStore.StaleVersionException e) {
      throw new ApiException(
          409,
          "Conflict",
          "plan "
              + id
              + " is at version "
              + e.getMessage()
              + ", not "
              + v.basedOn()
              + ": reload it and apply the edits again");
    }
    PlanView.VersionView saved = PlanView.VersionView.of(plans.version(p, version));
    return Response.created(URI.create("/api/v1/plans/" + id + "/versions/" + version))
        .entity(saved)
        .build();
  }

  @DELETE
  @Path("/{id}")
  @Operation(
      operationId = "deletePlan",
      summary = "Delete a plan and its versions (its creator, or an admin)")
  @SecurityRequirement(name = "bearer", scopes = "operator")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "403", ref = "Forbidden")
  @APIResponse(responseCode = "404", ref = "NotFound")
  public Response delete(
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam,
      @Context HttpServerRequest request) {
    Caller caller = access.require(request, Role.OPERATOR);
    long id = Params.id("plan id", idParam);
    PlanStore.Summary p = plans.plan(id);
    // others' plans are kept from a slip of another operator (thirteenth security review); their
    // versions stay open to every operator, each saved under its author's name
    if (!caller.name().equals(p.createdBy()) && !caller.atLeast(Role.ADMIN)) {
      throw ApiException.forbidden(
          "plan " + id + " is " + p.createdBy() + "'s: only its creator or an admin deletes it");
    }
    Log.infof("Plan %d (%s of host %s) deleted by %s", id, p.name(), p.host(), caller.name());
    // through the service: the plan's kept reports go with it
    if (!plans.delete(id)) {
      throw ApiException.notFound("no plan " + id);
    }
    return Response.noContent().build();
  }
}
