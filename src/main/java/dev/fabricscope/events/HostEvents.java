package dev.fabricscope.events;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Live host events: {@link dev.fabricscope.ingest.ReportIngest} publishes one when a report adds a
 * snapshot; open host pages subscribe through {@link HostEventsResource} (Server-Sent Events).
 */
@ApplicationScoped
public class HostEvents {

  /**
   * A host event.
   *
   * @param type {@code hello} (first event of a stream: the host's latest snapshot as of
   *     subscribing) or {@code snapshot} (a report added this snapshot)
   * @param host host name
   * @param snapshotId the latest or the new snapshot (0 when the host has none)
   * @param imported whether the new snapshot came through an import
   */
  public record SnapshotAdded(String type, String host, long snapshotId, boolean imported) {}

  private final BroadcastProcessor<SnapshotAdded> processor = BroadcastProcessor.create();

  /** Publishes a new snapshot to every current subscriber (nothing is buffered). */
  public void snapshotAdded(String host, long snapshotId, boolean imported) {
    processor.onNext(new SnapshotAdded("snapshot", host, snapshotId, imported));
  }

  /** The events of one host from now on. */
  public Multi<SnapshotAdded> of(String host) {
    return processor.filter(e -> e.host().equals(host));
  }
}
