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
   * A plan without its versions: what a list and every read of one version need. Lists of plans
   * with every version's edits ran a 512 MiB server out of heap (fourteenth security review: 100
   * plans of 200 versions of 200 edits were 287 MB per list).
   *
   * @param snapshotId the host snapshot the plan was copied from
   * @param latestVersion the highest version number (1: the copy without edits)
   */
  record Summary(
      long id,
      String name,
      String host,
      long snapshotId,
      Instant created,
      String createdBy,
      int latestVersion) {}

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

  /**
   * How many plans one creator keeps, how many versions a plan has and how many bytes of edit lists
   * (JSON, all versions), at most: each plan holds a copy of its host's report, and each version
   * its whole edit list.
   */
  record Limits(int plansPerCreator, int versionsPerPlan, long bytesPerPlan) {
    /** No limits (tests of other things). */
    public static final Limits NONE =
        new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  /** Thrown when a version is added to a plan that is not there (deleted meanwhile). */
  final class NoPlanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoPlanException(long id) {
      super("no plan " + id);
    }
  }

  /** Thrown when a create or save would pass {@link Limits}; nothing is written. */
  final class LimitReachedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LimitReachedException(String message) {
      super(message);
    }
  }

  /**
   * Creates a plan with version 1 (no edits); its id.
   *
   * @throws LimitReachedException when {@code by} has as many plans as {@link Limits} allows
   */
  long create(String name, String host, long snapshotId, String reportJson, String by, Instant now);

  /**
   * Adds a version on top of {@code basedOn}.
   *
   * @return the new version's number
   * @throws StaleVersionException when {@code basedOn} is not the latest version
   * @throws LimitReachedException when the plan has as many versions as {@link Limits} allows
   * @throws NoPlanException when there is no such plan
   */
  int addVersion(long planId, int basedOn, String editsJson, String note, String by, Instant now);

  /** The plan with all its versions, oldest first. */
  Optional<Plan> plan(long id);

  /** The plan without its versions. */
  Optional<Summary> summary(long id);

  /** One version of a plan, with its edits. */
  Optional<Version> version(long planId, int version);

  /** Every plan without its versions, newest first, at most {@code limit}. */
  List<Summary> plans(int limit);

  /** The report the plan was copied from, as JSON. */
  Optional<String> baseReport(long id);

  /** Deletes a plan and its versions; false when there was none. */
  boolean delete(long id);
}
