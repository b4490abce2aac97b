package dev.fabricscope.cluster;

import dev.fabricscope.events.HostEvents;
import java.util.List;

/**
 * A change made through another server replica that this one must act on, as {@link ClusterBus}
 * delivers it (a CDI event, fired on the bus's listener thread). Changes made here are acted on
 * where they are made; only other replicas' changes arrive as notices.
 */
public sealed interface ClusterNotice {

  /**
   * Another replica stored a new snapshot of {@code host}: live streams of the host get it, and
   * what this replica remembers of the host's latest content is out of date.
   *
   * @param host host name
   * @param snapshotId the new snapshot
   * @param imported whether it came through an import
   */
  record SnapshotStored(String host, long snapshotId, boolean imported) implements ClusterNotice {}

  /**
   * Another replica changed a bandwidth test: the events for the hosts' live streams, and the hosts
   * whose agents' long polls should ask for work again (empty when the change gives none).
   *
   * @param events one event per host stream (one or two)
   * @param wake hosts whose waiting polls to wake
   */
  record JobChanged(List<HostEvents.BandwidthChanged> events, List<String> wake)
      implements ClusterNotice {
    public JobChanged {
      events = List.copyOf(events);
      wake = List.copyOf(wake);
    }
  }

  /**
   * A sign-on session was signed out through another replica: this replica's streams of it end, and
   * its requests are refused until it would have expired.
   *
   * @param id the session's id ({@link dev.fabricscope.security.Caller.Session#id})
   * @param expiresEpochSecond when its token expires, in seconds since the epoch; 0 when unknown
   */
  record SessionEnded(String id, long expiresEpochSecond) implements ClusterNotice {}

  /**
   * The bus (re)connected after losing its connection: notices may have been missed, so whatever
   * was derived from other replicas' silence (remembered hosts, sleeping polls) is dropped or
   * rechecked.
   */
  record Resync() implements ClusterNotice {}
}
