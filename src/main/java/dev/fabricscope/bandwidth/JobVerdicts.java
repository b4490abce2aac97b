package dev.fabricscope.bandwidth;

import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * The result of a job from its source's measurement: the expected value from the path model ({@link
 * Expectations}) over the latest stored reports of both hosts, and for host-memcpy the host's last
 * host-memcpy result between the same nodes with the same threads that did not warn or fail; the
 * verdict from {@link TestVerdict}. A result with nothing expected ends in state {@code measured},
 * never {@code passed}: nothing was compared.
 */
final class JobVerdicts {

  private final InventoryStore inventory;
  private final BandwidthJobStore jobs;
  private final Efficiencies efficiencies;
  private final Function<String, PlanOptions> capacities;

  /**
   * @param capacities a host's planner options as the prediction API chooses them (measured memory
   *     per node, else defaults)
   */
  JobVerdicts(
      InventoryStore inventory,
      BandwidthJobStore jobs,
      Efficiencies efficiencies,
      Function<String, PlanOptions> capacities) {
    this.inventory = inventory;
    this.jobs = jobs;
    this.efficiencies = efficiencies;
    this.capacities = capacities;
  }

  /**
   * The result of a job's measurement; a job with concurrent flows expects what the planner
   * predicts for exactly its flows ({@link FlowExpectations}) with the capacities the prediction
   * API would take for this host ({@code capacities}).
   */
  BandwidthResult result(
      Job job, List<Double> samples, List<List<Double>> flowSamples, String helper) {
    BandwidthSpec spec = job.spec();
    Report source = latestReport(job.sourceHost());
    if (!spec.concurrent().isEmpty()) {
      List<Expectation> each =
          new FlowExpectations(efficiencies)
              .expect(spec, source, capacities.apply(job.sourceHost()));
      return BandwidthResult.ofFlows(spec, flowSamples, helper, each, efficiencies);
    }
    Report target =
        job.targetHost().equals(job.sourceHost()) ? source : latestReport(job.targetHost());
    Double hostMemory =
        spec.kind() == BandwidthKind.HOST_MEMCPY
            ? jobs.lastHostMemcpy(
                    job.sourceHost(),
                    spec.source().toString(),
                    spec.target().toString(),
                    spec.threads())
                .orElse(null)
            : null;
    Expectation expected = new Expectations(efficiencies).expect(spec, source, target, hostMemory);
    return BandwidthResult.of(spec, samples, helper, expected, efficiencies);
  }

  /** The job state of a verdict. */
  static State state(TestVerdict verdict) {
    return switch (verdict) {
      case PASS -> State.PASSED;
      case WARN -> State.WARNED;
      case FAIL -> State.FAILED;
      case UNKNOWN -> State.MEASURED;
    };
  }

  private Report latestReport(String host) {
    return inventory
        .host(host)
        .map(InventoryStore.Host::latestSnapshotId)
        .flatMap(inventory::snapshotJson)
        .map(JobVerdicts::read)
        .orElse(null);
  }

  private static Report read(String json) {
    try {
      return ReportJson.read(json);
    } catch (IOException | RuntimeException e) {
      return null; // stored reports were validated; an unreadable one means "no report"
    }
  }
}
