package dev.fabricscope.api;

import dev.fabricscope.findings.FleetFindingsService;
import dev.fabricscope.ingest.KnownHosts;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.security.Caller;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;

/**
 * An admin's bulk delete of every host one caller created ({@code DELETE
 * /api/v1/hosts?createdBy=}): the undo for a token that flooded the inventory with imported hosts,
 * which otherwise took one delete per host. Hosts go in batches of {@link #BATCH}, one transaction
 * each, so that no transaction holds thousands of hosts' rows and snapshots; each batch is
 * forgotten as the single delete forgets its host.
 */
@ApplicationScoped
public class BulkHostDelete {

  /** Hosts deleted per transaction. */
  static final int BATCH = 100;

  @Inject InventoryStore store;
  @Inject KnownHosts known;
  @Inject FleetFindingsService findings;

  /** What the bulk delete answers. */
  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "HostsDeleted")
  public record Deleted(long deleted) {}

  /**
   * Deletes every host {@code createdBy} created, batch after batch until one comes back short;
   * logs once, with the admin's name.
   */
  public Deleted delete(String createdBy, Caller admin) {
    long deleted = 0;
    List<String> batch;
    do {
      batch = store.deleteHostsCreatedBy(createdBy, BATCH);
      // as each batch commits: a report of a deleted host must not take the unchanged fast path
      batch.forEach(known::forget);
      deleted += batch.size();
    } while (batch.size() == BATCH);
    if (deleted > 0) {
      findings.retainHosts(Set.copyOf(store.latestSnapshotIds().keySet()));
      findings.invalidate(); // the fleet's findings are cached for a few seconds
    }
    // createdBy passed Params.text: no control characters reach the log
    Log.infof("%d hosts created by %.255s deleted by %s", deleted, createdBy, admin.name());
    return new Deleted(deleted);
  }
}
