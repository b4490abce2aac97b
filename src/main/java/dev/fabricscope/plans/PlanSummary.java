package dev.fabricscope.plans;

import dev.fabricscope.inventory.PlanStore;
import java.time.Instant;

/**
 * A plan as the list of plans shows it: without its versions, which {@code GET /plans/{id}} gives
 * (the list had carried every version's edits, 287 MB for 100 plans of 200 versions: fourteenth
 * security review).
 *
 * @param host the host the plan was copied from
 * @param snapshotId that host's snapshot
 * @param latestVersion the highest version number (1: the copy without edits)
 */
public record PlanSummary(
    long id,
    String name,
    String host,
    long snapshotId,
    Instant created,
    String createdBy,
    int latestVersion) {

  static PlanSummary of(PlanStore.Summary p) {
    return new PlanSummary(
        p.id(), p.name(), p.host(), p.snapshotId(), p.created(), p.createdBy(), p.latestVersion());
  }
}
