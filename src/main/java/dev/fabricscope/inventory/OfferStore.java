package dev.fabricscope.inventory;

import java.util.List;

/**
 * Host selection's offers per snapshot and planner build (issue 13), kept so that a restarted
 * server need not re-plan every host from its report. An offer is opaque JSON here; {@code planner}
 * names the build that computed it.
 */
public interface OfferStore {

  /** One snapshot's offer as JSON. */
  record Offer(long snapshotId, String json) {}

  /** A host's latest snapshot with its offer. */
  record Latest(String host, long snapshotId, String json) {}

  /**
   * Stores offers of {@code planner}; an offer already stored for its snapshot and planner, or one
   * whose snapshot is gone, is skipped.
   */
  void put(String planner, List<Offer> offers);

  /** Every host whose latest snapshot has an offer of {@code planner}, with it. */
  List<Latest> latest(String planner);

  /** Drops the offers of other planners and of snapshots that are no host's latest; how many. */
  int prune(String planner);
}
