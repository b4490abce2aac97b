package dev.fabricscope.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.events.HostEvents;
import dev.fabricscope.inventory.Database;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Tells the other server replicas sharing this PostgreSQL database what changed here, and hands
 * their changes to this replica's beans as {@link ClusterNotice} CDI events. PostgreSQL {@code
 * NOTIFY} on the channel {@value #CHANNEL} carries them (a JSON payload naming the sending replica,
 * under PostgreSQL's 8000-byte limit); one connection of its own per replica {@code LISTEN}s
 * ({@link PgListener}). Notices are sent after the change committed, before the request that made
 * it is answered. On H2 there is only this process: nothing is sent and nothing arrives.
 *
 * <p>Delivery is at most once: a notice sent while a replica's listening connection is down is lost
 * to it, so on reconnecting that replica gets a {@link ClusterNotice.Resync}. Browsers that were
 * connected to it then may have missed an event; stores never depend on notices.
 */
@ApplicationScoped
public class ClusterBus {

  /** The PostgreSQL notification channel. */
  public static final String CHANNEL = "fabricscope_events";

  // PostgreSQL refuses payloads of 8000 bytes or more; leave room for the envelope.
  static final int MAX_PAYLOAD_BYTES = 7900;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject Database database;
  @Inject Event<ClusterNotice> notices;

  /** This process's id in payloads: its own notices come back to its listener and are skipped. */
  final String self = UUID.randomUUID().toString();

  private PgListener listener;

  /** What travels: the sender and one notice (exactly one field set). */
  record Envelope(
      String from,
      ClusterNotice.SnapshotStored snapshot,
      ClusterNotice.JobChanged job,
      ClusterNotice.SessionEnded session) {}

  void onStart(@Observes StartupEvent e) {
    if (!database.isPostgres()) {
      return;
    }
    listener = new PgListener(database, CHANNEL, this::received);
    listener.start();
    // requests are answered once the replica listens, so none of their effects is missed
    if (!listener.awaitListening(java.time.Duration.ofSeconds(30))) {
      Log.warn("Replica notices: not listening yet; retrying in the background");
    }
  }

  void onStop(@Observes ShutdownEvent e) {
    if (listener != null) {
      listener.stop();
    }
  }

  /** Whether notices travel (PostgreSQL) and this replica listens now. */
  public boolean listening() {
    return listener != null && listener.listening();
  }

  /** Tells the other replicas that a snapshot was stored here. */
  public void snapshotStored(String host, long snapshotId, boolean imported) {
    send(
        new Envelope(
            self, new ClusterNotice.SnapshotStored(host, snapshotId, imported), null, null));
  }

  /** Tells the other replicas that a bandwidth test changed here. */
  public void jobChanged(List<HostEvents.BandwidthChanged> events, List<String> wake) {
    send(new Envelope(self, null, new ClusterNotice.JobChanged(events, wake), null));
  }

  /** Tells the other replicas that a sign-on session was signed out here. Blocking. */
  public void sessionEnded(String id, long expiresEpochSecond) {
    send(new Envelope(self, null, null, new ClusterNotice.SessionEnded(id, expiresEpochSecond)));
  }

  private void send(Envelope envelope) {
    if (!database.isPostgres()) {
      return;
    }
    String payload = payload(envelope);
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, CHANNEL);
      ps.setString(2, payload);
      ps.execute();
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException | RuntimeException ex) {
      // the change itself is committed; other replicas catch up on their own (poll recheck,
      // the next report) or resync when their listener reconnects
      Log.warnf("Replica notice not sent: %s", ex.getMessage());
    }
  }

  /** The JSON payload; progress messages are dropped when the whole would be too long. */
  static String payload(Envelope envelope) {
    String s = write(envelope);
    if (s.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES || envelope.job() == null) {
      return s;
    }
    List<HostEvents.BandwidthChanged> shorter =
        envelope.job().events().stream().map(ClusterBus::withoutMessage).toList();
    return write(
        new Envelope(
            envelope.from(),
            null,
            new ClusterNotice.JobChanged(shorter, envelope.job().wake()),
            null));
  }

  private static HostEvents.BandwidthChanged withoutMessage(HostEvents.BandwidthChanged b) {
    return new HostEvents.BandwidthChanged(
        b.type(),
        b.host(),
        b.jobId(),
        b.kind(),
        b.state(),
        b.phase(),
        b.sourceHost(),
        b.source(),
        b.targetHost(),
        b.target(),
        b.measuredGBps(),
        b.expectedGBps(),
        b.verdict(),
        null);
  }

  private static String write(Envelope envelope) {
    try {
      return JSON.writeValueAsString(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A payload from the channel, or the listener's resync (null). */
  void received(String payload) {
    if (payload == null) {
      notices.fire(new ClusterNotice.Resync());
      return;
    }
    Envelope env;
    try {
      env = JSON.readValue(payload, Envelope.class);
    } catch (JsonProcessingException e) {
      Log.warnf("Replica notice not understood, ignored: %s", e.getOriginalMessage());
      return;
    }
    if (self.equals(env.from())) {
      return;
    }
    if (env.snapshot() != null) {
      notices.fire(env.snapshot());
    } else if (env.job() != null) {
      notices.fire(env.job());
    } else if (env.session() != null) {
      notices.fire(env.session());
    }
  }
}
