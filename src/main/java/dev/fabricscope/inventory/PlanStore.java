package dev.fabricscope.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What-if plans (issue 13): a host's report copied at one snapshot and numbered versions of the
 * edits on it. Versions are never changed; a new one is added on top of the latest.
 */
public interface PlanStore {

  /**
   * A plan without its copied report.
   *
   * @param snapshotId the host snapshot the plan was copied from
   */
  record Plan(
      long id,
      String name,
      String host,
      long snapshotId,
      Instant created,
      String createdBy,
      List<Version> versions) {
    public Plan {
      versions = List.copyOf(versions);
    }

    /** The highest version number. */
    public int latestVersion() {
      return versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version();
    }
  }

  /**
   * One version of a plan.
   *
   * @param editsJson the whole edit list as a JSON array
   */
  record Version(int version, String editsJson, String note, Instant created, String createdBy) {}

  /** Thrown when a version is added on top of one that is no longer the latest. */
  final class StaleVersionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StaleVersionException(int latest) {
      super(String.valueOf(latest));
    }
  }

  /** Creates a plan with version 1 (no edits); its id. */
  long create(String name, String host, long snapshotId, String reportJson, String by, Instant now);

  /**
   * Adds a version on top of {@code basedOn}.
   *
   * @return the new version's number
   * @throws StaleVersionException when {@code basedOn} is not the latest version
   */
  int addVersion(long planId, int basedOn, String editsJson, String note, String by, Instant now);

  /** The plan with all its versions, oldest first. */
  Optional<Plan> plan(long id);

  /** Every plan, newest first, at most {@code limit}. */
  List<Plan> plans(int limit);

  /** The report the plan was copied from, as JSON. */
  Optional<String> baseReport(long id);

  /** Deletes a plan and its versions; false when there was none. */
  boolean delete(long id);
}
