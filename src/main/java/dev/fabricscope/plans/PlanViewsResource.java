package dev.fabricscope.plans;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.api.GzipJson;
import dev.fabricscope.api.P2pMatrices;
import dev.fabricscope.api.PairByName;
import dev.fabricscope.api.Params;
import dev.fabricscope.api.WholeReports;
import dev.fabricscope.graph.FabricGraph;
import dev.fabricscope.graph.FabricGraphs;
import dev.fabricscope.inventory.PlanStore.Summary;
import dev.fabricscope.p2p.DeviceNames;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.PairVerdict;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.Access;
import dev.fabricscope.topology.Report;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What a plan version is and predicts: its edited report, pair verdicts, the planner's prediction,
 * a preview of unsaved edits and the comparison with the host it came from (all reads).
 */
@Path("/api/v1/plans/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Plans")
@SecurityRequirement(name = "bearer", scopes = "viewer")
public class PlanViewsResource {

  /**
   * A preview: the edited report, its drawable graph (as {@code .../versions/{v}/graph}) and its
   * prediction, nothing saved; with {@code a} and {@code b} in the body also that pair's verdict in
   * the edited report.
   */
  public record Preview(
      @Schema(ref = "Report") Object topology,
      FabricGraph graph,
      HostPrediction prediction,
      PairVerdict verdict) {}

  @Inject Access access;
  @Inject PlanService plans;
  @Inject MemoryCapacities memory;
  @Inject P2pMatrices matrices;
  @Inject WholeReports whole;
  // the REST layer's mapper: the preview's verdict and graph read as GET .../paths and .../graph
  // answer them
  @Inject ObjectMapper mapper;

  @POST
  @Path("/preview")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      operationId = "previewPlan",
      summary =
          "Apply edits to the plan's host without saving: the report, its graph and its"
              + " prediction",
      description =
          "Body: {\"edits\": [...], \"pattern\": \"gpu-to-nic\", \"a\": optional device,"
              + " \"b\": optional device, \"flows\": optional [\"SRC>DST\", ...] instead of a"
              + " pattern, \"interSocketGBps\" and \"memoryGBps\": optional capacity overrides, as"
              + " .../versions/{v}/prediction takes them; without memoryGBps the plan's host's"
              + " measured memory, as there}. \"graph\" is the edited fabric to draw (as"
              + " .../versions/{v}/graph). With a and b the answer also holds \"verdict\", that"
              + " pair's verdict in the edited report (as .../versions/{v}/paths). 422 names a"
              + " refused edit.")
  @APIResponse(
      responseCode = "200",
      description = "The edited report, its graph and its prediction",
      content = @Content(schema = @Schema(implementation = Preview.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "413", ref = "ContentTooLarge")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response preview(
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam,
      byte[] body,
      @Context HttpServerRequest request,
      @Context RoutingContext routing) {
    var caller = access.requireRead(request);
    long id = Params.id("plan id", idParam);
    Summary plan = plans.plan(id);
    PlanBodies.Preview p = PlanBodies.preview(body);
    var options = PlanService.options(p.interSocketGBps(), p.memoryGBps());
    Report base = plans.base(id); // kept, or parsed in a slot of its own
    // a whole edited report, its graph and a prediction, written out: in one of the /p2p slots, so
    // parallel previews of a large host cannot run the heap out (a security review's 8 did)
    // answered as a whole report is (a place, a pace; fifteenth security review)
    Supplier<String> json =
        () -> {
          Report r = PlanService.apply(base, p.edits());
          DeviceNames names = DeviceNames.of(new P2pAnalyzer(r));
          var prediction = memory.predict(plan.host(), r, p.pattern(), p.flows(), options);
          String verdict =
              p.a() == null
                  ? ""
                  : ",\"verdict\":" + json(PairByName.verdict(names, p.a(), p.b(), ""));
          // the graph the page draws for these edits, as GET .../versions/{v}/graph answers
          return "{\"topology\":"
              + ReportJson.write(r)
              + ",\"graph\":"
              + json(FabricGraphs.of(names, false))
              + ",\"prediction\":"
              + write(prediction)
              + verdict
              + "}";
        };
    return whole.ok(() -> matrices.inSlot(() -> GzipJson.compress(json.get())), caller, routing);
  }

  @GET
  @Path("/versions/{version}/topology")
  @Operation(operationId = "getPlanTopology", summary = "A version's edited report")
  @APIResponse(
      responseCode = "200",
      description = "The report",
      content = @Content(schema = @Schema(ref = "Report")))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response topology(
      @BeanParam PlanVersionPath version,
      @Context HttpServerRequest request,
      @Context RoutingContext routing) {
    var caller = access.requireRead(request);
    // the whole report written out (14 MB for a large host): in a /p2p slot, as /preview, once a
    // place to answer it is taken, and kept compressed while the client reads it (GzipJson)
    return whole.ok(
        () -> {
          Report r = version.report(plans);
          return matrices.inSlot(() -> GzipJson.compress(ReportJson.write(r)));
        },
        caller,
        routing);
  }

  @GET
  @Path("/versions/{version}/graph")
  @Operation(
      operationId = "getPlanGraph",
      summary = "A version's fabric as nodes and edges to draw (as /hosts/{h}/graph)")
  @APIResponse(
      responseCode = "200",
      description = "The graph",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = FabricGraph.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response graph(
      @BeanParam PlanVersionPath version,
      @Parameter(schema = @Schema(type = SchemaType.BOOLEAN, defaultValue = "false"))
          @QueryParam("platform")
          String platform,
      @Context HttpServerRequest request,
      @Context RoutingContext routing) {
    var caller = access.requireRead(request);
    Boolean all = Params.bool("platform", platform);
    // a graph of the whole fabric: in a /p2p slot, as /preview, answered as a whole report is
    return whole.ok(
        () -> {
          Report r = version.report(plans);
          return matrices.inSlot(
              () -> GzipJson.compress(mapper, FabricGraphs.of(r, Boolean.TRUE.equals(all))));
        },
        caller,
        routing);
  }

  @GET
  @Path("/versions/{version}/paths")
  @Operation(
      operationId = "getPlanPath",
      summary = "The verdict, path and reasons for one pair in a version (as /hosts/{h}/paths)")
  @APIResponse(responseCode = "200", description = "The pair's verdicts")
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public PairVerdict path(
      @BeanParam PlanVersionPath version,
      @QueryParam("a") String a,
      @QueryParam("b") String b,
      @Context HttpServerRequest request) {
    access.requireRead(request);
    PairByName.requireBoth(a, b);
    Report r = version.report(plans);
    return matrices.inSlot(() -> PairByName.verdict(r, a, b, ""));
  }

  @GET
  @Path("/versions/{version}/prediction")
  @Operation(
      operationId = "getPlanPrediction",
      summary = "Pairing and max-min fair rates of concurrent flows in a version",
      description =
          "pattern: gpu-to-nic (default), gpu-to-host, gpu-all-to-all, nvme-to-gpu; or flow=SRC>DST"
              + " repeated (SRC and DST: a BDF, memory:N or network:BDF[/PORT]) for a custom list."
              + " interSocketGBps and memoryGBps override the documented default capacities;"
              + " without memoryGBps each NUMA node's host memory takes the fastest host-memcpy"
              + " bandwidth test within that node of the host the plan was copied from (as"
              + " /hosts/{h}/prediction does), else the default. capacities.memory says which,"
              + " per node.")
  @APIResponse(
      responseCode = "200",
      description = "The prediction",
      content = @Content(schema = @Schema(implementation = HostPrediction.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response prediction(
      @BeanParam PlanVersionPath version,
      @BeanParam FlowsQuery query,
      @Context HttpServerRequest request,
      @Context RoutingContext routing) {
    var caller = access.requireRead(request);
    var options = query.options(); // a bad value: 400 before reads
    Summary p = version.plan(plans);
    Report r = version.report(plans, p);
    // the planner over the whole report: in a /p2p slot, as /preview and /compare, and answered
    // as a whole report is (megabytes of flows and links for a large host)
    return whole.computed(
        () -> memory.predict(p.host(), r, query.pattern(), query.flows(), options),
        caller,
        routing);
  }

  @GET
  @Path("/compare")
  @Operation(
      operationId = "comparePlan",
      summary = "A version beside the host it was copied from: changed verdicts and flow rates",
      description =
          "The flows are a pattern's or a custom list's (flow=SRC>DST repeated), with the capacity"
              + " overrides and the measured host memory of .../versions/{v}/prediction, the same"
              + " on both sides, so only the edits change a rate; capacities.memory says which.")
  @APIResponse(
      responseCode = "200",
      description = "The comparison",
      content = @Content(schema = @Schema(implementation = PlanComparison.class)))
  @APIResponse(responseCode = "400", ref = "BadRequest")
  @APIResponse(responseCode = "404", ref = "NotFound")
  @APIResponse(responseCode = "422", ref = "UnprocessableContent")
  @APIResponse(responseCode = "429", ref = "TooManyWholeReports")
  @APIResponse(responseCode = "503", ref = "SlotsBusy")
  public Response compare(
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1"))
          @PathParam("id")
          String idParam,
      @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1")) @QueryParam("version")
          String versionParam,
      @BeanParam FlowsQuery query,
      @Context HttpServerRequest request,
      @Context RoutingContext routing) {
    var caller = access.requireRead(request);
    var options = query.options();
    Summary p = plans.plan(Params.id("plan id", idParam));
    Report host = plans.base(p.id());
    Report plan = plans.report(p, PlanService.versionParam(p, versionParam));
    var chosen = memory.choose(p.host(), options);
    // two all-pairs matrices of up to 2,000 devices each: in one of /p2p's slots, so a burst of
    // comparisons cannot take every core (fifth security review); answered as a whole report is
    // (a place, a pace; sixteenth security review: megabytes to clients that did not read)
    return whole.computed(
        () -> {
          PlanResult before =
              PlanService.predict(host, query.pattern(), query.flows(), chosen.options());
          PlanResult after =
              PlanService.predict(plan, query.pattern(), query.flows(), chosen.options());
          return PlanComparison.of(
              host, plan, before, after, MemoryCapacities.capacities(chosen, before, after));
        },
        caller,
        routing);
  }

  // as GET .../paths and .../graph write them
  private String json(Object v) {
    try {
      return mapper.writeValueAsString(v);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String write(HostPrediction r) {
    try {
      return ReportJson.mapper().writeValueAsString(r);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
