package dev.fabricscope.events;

import dev.fabricscope.cluster.ClusterNotice;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Live host events: {@link dev.fabricscope.ingest.ReportIngest} publishes one when a report adds a
 * snapshot, the bandwidth-test service one when a test of the host moves; open host pages subscribe
 * through {@link HostEventsResource} (Server-Sent Events). Every event is a JSON object with a
 * {@code type} and a {@code host}. Changes made through another server replica arrive as {@link
 * ClusterNotice}s and are published here the same way.
 */
@ApplicationScoped
public class HostEvents {

  /** An event of one host. */
  public sealed interface Event permits SnapshotAdded, BandwidthChanged {
    /** {@code hello}, {@code snapshot} or {@code bandwidth}. */
    String type();

    /** The host whose stream carries it. */
    String host();
  }

  /**
   * A snapshot event.
   *
   * @param type {@code hello} (first event of a stream: the host's latest snapshot as of
   *     subscribing) or {@code snapshot} (a report added this snapshot)
   * @param host host name
   * @param snapshotId the latest or the new snapshot (0 when the host has none)
   * @param imported whether the new snapshot came through an import
   */
  public record SnapshotAdded(String type, String host, long snapshotId, boolean imported)
      implements Event {}

  /**
   * A bandwidth test of the host (on either side) was queued, moved or ended ({@code type} {@code
   * bandwidth}); sent to the streams of both hosts of a two-host test.
   *
   * @param type always {@code bandwidth}
   * @param host the host of this stream
   * @param jobId the test's id ({@code GET /api/v1/bandwidth-tests/{jobId}})
   * @param kind the test kind
   * @param state the job state (queued, listening, running, passed, ...)
   * @param phase what happened: {@code queued}, {@code taken}, {@code started}, {@code listening},
   *     {@code progress}, {@code finished}
   * @param sourceHost the source's host
   * @param source the source endpoint
   * @param targetHost the target's host
   * @param target the target endpoint
   * @param measuredGBps the measured median once finished, else null
   * @param expectedGBps the expected value once finished, null when unknown
   * @param verdict pass, warn, fail or unknown once measured, else null
   * @param message the agent's progress line, or why the test ended without a result
   */
  public record BandwidthChanged(
      String type,
      String host,
      long jobId,
      String kind,
      String state,
      String phase,
      String sourceHost,
      String source,
      String targetHost,
      String target,
      Double measuredGBps,
      Double expectedGBps,
      String verdict,
      String message)
      implements Event {}

  private final BroadcastProcessor<Event> processor = BroadcastProcessor.create();

  /**
   * Publishes a new snapshot to every current subscriber (nothing is buffered). Publishers are
   * serialized: a processor's {@code onNext} must not be called from two threads at once, and
   * ingest threads, requests and the bandwidth sweeper all publish.
   */
  public synchronized void snapshotAdded(String host, long snapshotId, boolean imported) {
    processor.onNext(new SnapshotAdded("snapshot", host, snapshotId, imported));
  }

  /** Publishes a bandwidth-test event to the subscribers of its host. */
  public synchronized void bandwidth(BandwidthChanged event) {
    processor.onNext(event);
  }

  /** Another replica's snapshot reaches this replica's streams too. */
  void onRemote(@Observes ClusterNotice.SnapshotStored n) {
    snapshotAdded(n.host(), n.snapshotId(), n.imported());
  }

  /** Another replica's bandwidth-test change reaches this replica's streams too. */
  void onRemote(@Observes ClusterNotice.JobChanged n) {
    n.events().forEach(this::bandwidth);
  }

  /** The new snapshots of every host from now on. */
  public Multi<SnapshotAdded> snapshots() {
    return processor.filter(e -> e instanceof SnapshotAdded).map(e -> (SnapshotAdded) e);
  }

  /** The events of one host from now on. */
  public Multi<Event> of(String host) {
    return processor.filter(e -> e.host().equals(host));
  }
}
