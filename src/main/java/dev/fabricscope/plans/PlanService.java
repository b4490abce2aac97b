package dev.fabricscope.plans;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.api.P2pMatrices;
import dev.fabricscope.inventory.PlanStore;
import dev.fabricscope.inventory.PlanStore.Plan;
import dev.fabricscope.inventory.PlanStore.Summary;
import dev.fabricscope.inventory.PlanStore.Version;
import dev.fabricscope.plan.PlanEdit;
import dev.fabricscope.plan.PlanEditException;
import dev.fabricscope.plan.PlanEditor;
import dev.fabricscope.planner.Flow;
import dev.fabricscope.planner.FlowEnd;
import dev.fabricscope.planner.Pattern;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.planner.Planner;
import dev.fabricscope.planner.PlannerLimitException;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Plans as the API serves them: a plan's versions read from the store, its base and each version's
 * edited report (computed once and kept within a byte bound, {@link PlanReports}: versions never
 * change), edits read from JSON and the planner's prediction of a report.
 */
@ApplicationScoped
public class PlanService {

  /** Edit lists are read strictly: unknown fields, missing or null values are a 400. */
  static final ObjectMapper EDITS =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

  /** Most custom flows in one prediction. */
  static final int MAX_FLOWS = Planner.MAX_FLOWS;

  private final PlanStore store;
  private final PlanReports reports;

  @Inject
  PlanService(PlanStore store, P2pMatrices matrices) {
    this.store = store;
    // parses and edits of whole reports share the /p2p computation slots (a security review ran
    // the heap out with parallel previews, each parsing the plan's 14 MB copy)
    this.reports =
        new PlanReports(
            PlanReports.ENTRIES,
            PlanReports.BYTES,
            matrices::inSlot,
            id -> store.baseReport(id).orElseThrow(() -> ApiException.notFound("no plan " + id)));
  }

  /** The plan without its versions' edits (what every read of one version needs); 404 if none. */
  Summary plan(long id) {
    return store.summary(id).orElseThrow(() -> ApiException.notFound("no plan " + id));
  }

  /** The plan with every version and its edits; 404 if none. */
  Plan full(long id) {
    return store.plan(id).orElseThrow(() -> ApiException.notFound("no plan " + id));
  }

  /**
   * Deletes a plan and its versions, and drops their kept reports ({@link PlanReports#forget}).
   *
   * @return false when there is no such plan
   */
  boolean delete(long id) {
    // the store first: a read starting after the forget finds no plan (404), one under way now is
    // answered but its report not kept
    boolean deleted = store.delete(id);
    reports.forget(id);
    return deleted;
  }

  /** The plan reports kept; for tests. */
  PlanReports reports() {
    return reports;
  }

  /** One version of {@code p} with its edits; 404 if none. */
  Version version(Summary p, int v) {
    return store
        .version(p.id(), v)
        .orElseThrow(() -> ApiException.notFound("plan " + p.id() + " has no version " + v));
  }

  /** The version a query names; the latest when none. */
  static int versionParam(Summary p, String param) {
    if (param == null || param.isBlank()) {
      return p.latestVersion();
    }
    try {
      return Integer.parseInt(param);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("version must be a version number of the plan, like 1");
    }
  }

  /**
   * The report of one version: the copied host with the version's edits applied, kept ({@link
   * PlanReports}); a 503 when it must be computed and no slot frees in time.
   */
  Report report(Summary p, int version) {
    return reports.version(p.id(), version, version(p, version).editsJson());
  }

  /** The plan's copy of its host's report, kept ({@link PlanReports}); a 503 as {@link #report}. */
  Report base(long id) {
    return reports.base(id);
  }

  /** The edits applied to a report; a refused edit is a 422 naming it. */
  static Report apply(Report base, List<PlanEdit> edits) {
    try {
      return PlanEditor.apply(base, edits);
    } catch (PlanEditException e) {
      throw new ApiException(422, "Plan edit refused", e.getMessage());
    }
  }

  static List<PlanEdit> readEdits(String json) {
    try {
      return EDITS.readValue(json, new TypeReference<List<PlanEdit>>() {});
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("edits: " + e.getOriginalMessage());
    }
  }

  static String writeEdits(List<PlanEdit> edits) {
    try {
      return EDITS.writerFor(new TypeReference<List<PlanEdit>>() {}).writeValueAsString(edits);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The pattern a query names (gpu-to-nic, …); a 400 listing them when it names none. */
  static Pattern pattern(String name) {
    Pattern p = Pattern.ofCliName(name == null || name.isBlank() ? "gpu-to-nic" : name);
    if (p == null) {
      throw ApiException.badRequest(
          "pattern must be one of "
              + Arrays.stream(Pattern.values())
                  .map(Pattern::cliName)
                  .collect(Collectors.joining(", ")));
    }
    return p;
  }

  /** Capacity overrides from the query (GB/s); null keeps the documented defaults. */
  static PlanOptions options(String interSocketGBps, String memoryGBps) {
    return options(number("interSocketGBps", interSocketGBps), number("memoryGBps", memoryGBps));
  }

  /** Capacity overrides (GB/s, from a query or a body); null keeps the documented defaults. */
  static PlanOptions options(Double interSocketGBps, Double memoryGBps) {
    return new PlanOptions(
        gbps("interSocketGBps", interSocketGBps), gbps("memoryGBps", memoryGBps));
  }

  private static Double number(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return gbps(name, Double.NaN);
    }
  }

  private static Double gbps(String name, Double v) {
    // a user's override, not a measurement: tiny values are mistakes
    // (PlanOptions.MIN_OVERRIDE_GBPS)
    if (PlanOptions.overrideInRange(v)) {
      return v;
    }
    throw ApiException.badRequest(name + " must be a number of GB/s from 0.001 to below 1000000");
  }

  /** A pattern's prediction; a pattern this host cannot be planned for is a 422. */
  static PlanResult predict(Report r, Pattern pattern, PlanOptions options) {
    try {
      return new Planner(r).plan(pattern, options);
    } catch (PlannerLimitException e) {
      throw ApiException.unprocessable(e.getMessage());
    }
  }

  /**
   * The prediction of a pattern (gpu-to-nic when neither is given), or of a custom list of
   * concurrent flows, each {@code SRC>DST} with SRC and DST a BDF, {@code memory:N} or {@code
   * network:BDF[/PORT]}; a 400 for both, too many flows or a flow that is not one, a 422 for flows
   * crossing more links than the planner fills ({@link Planner#MAX_FILL_VISITS}).
   */
  static PlanResult predict(Report r, String pattern, List<String> flows, PlanOptions options) {
    if (flows == null || flows.isEmpty()) {
      return predict(r, pattern(pattern), options);
    }
    if (pattern != null) {
      throw ApiException.badRequest("give a pattern or flows, not both");
    }
    if (flows.size() > MAX_FLOWS) {
      throw ApiException.badRequest("at most " + MAX_FLOWS + " flows");
    }
    List<Flow> list = new ArrayList<>();
    for (String f : flows) {
      int gt = f.indexOf('>');
      try {
        if (gt < 0) {
          throw new IllegalArgumentException("a flow is SRC>DST");
        }
        list.add(new Flow(FlowEnd.parse(f.substring(0, gt)), FlowEnd.parse(f.substring(gt + 1))));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("flow " + shorten(f) + ": " + e.getMessage());
      }
    }
    try {
      return new Planner(r).plan(list, options);
    } catch (PlannerLimitException e) {
      // a valid list this host cannot be planned for, as a pattern over the planner's bounds
      throw ApiException.unprocessable(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
