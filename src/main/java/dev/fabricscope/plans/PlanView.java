package dev.fabricscope.plans;

import dev.fabricscope.inventory.PlanStore;
import dev.fabricscope.plan.PlanEdit;
import java.time.Instant;
import java.util.List;

/**
 * A plan as the API shows it.
 *
 * @param host the host the plan was copied from
 * @param snapshotId that host's snapshot
 * @param latestVersion the highest version number (1: the copy without edits)
 * @param versions every version, oldest first, each with its whole edit list
 */
public record PlanView(
    long id,
    String name,
    String host,
    long snapshotId,
    Instant created,
    String createdBy,
    int latestVersion,
    List<VersionView> versions) {

  /** One version: the edits applied to the copied host, in order. */
  public record VersionView(
      int version, Instant created, String createdBy, String note, List<PlanEdit> edits) {

    static VersionView of(PlanStore.Version v) {
      return new VersionView(
          v.version(), v.created(), v.createdBy(), v.note(), PlanService.readEdits(v.editsJson()));
    }
  }

  static PlanView of(PlanStore.Plan p) {
    return new PlanView(
        p.id(),
        p.name(),
        p.host(),
        p.snapshotId(),
        p.created(),
        p.createdBy(),
        p.latestVersion(),
        p.versions().stream().map(VersionView::of).toList());
  }
}
