package dev.fabricscope.plans;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.inventory.OfferStore;
import dev.fabricscope.plan.HostOffer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Host offers kept in the database ({@link OfferStore}) for the next start, under this build's name
 * ({@link PlannerBuild}): written in batches by a background thread, so ingest does not wait for
 * them; read back all at once when the server starts. An offer that was not written (the queue
 * full, the server stopped first, a failed batch) is only planned from its report again.
 */
@ApplicationScoped
public class OfferArchive {

  private static final Logger LOG = Logger.getLogger(OfferArchive.class);

  /** Most offers waiting to be written; beyond, new ones are not kept (about 1 KB each). */
  static final int QUEUE = 50_000;

  /** Most offers in one batch. */
  static final int BATCH = 1000;

  // offers are records of strings, numbers and enums: a plain mapper reads back what it wrote
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject OfferStore store;

  private final BlockingQueue<OfferStore.Offer> queue = new LinkedBlockingQueue<>(QUEUE);
  // queued and not yet written (or given up on)
  private final AtomicInteger pending = new AtomicInteger();
  private volatile String build;
  private Thread writer;

  /** This build's name (computed once: it reads the build's classes). */
  String build() {
    String b = build;
    if (b == null) {
      synchronized (this) {
        if (build == null) {
          build = PlannerBuild.name();
        }
        b = build;
      }
    }
    return b;
  }

  /** Queues {@code offer} of snapshot {@code snapshotId} to be written. */
  void keep(long snapshotId, HostOffer offer) {
    String json;
    try {
      json = JSON.writeValueAsString(offer);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    pending.incrementAndGet();
    if (!queue.offer(new OfferStore.Offer(snapshotId, json))) {
      pending.decrementAndGet();
      LOG.debugf("host selection: offer of snapshot %d not kept: %d waiting", snapshotId, QUEUE);
      return;
    }
    startWriter();
  }

  /** The stored offers of this build for every host's latest snapshot. */
  List<Read> readBack() {
    long started = System.nanoTime();
    List<OfferStore.Latest> rows = store.latest(build());
    LOG.debugf(
        "host selection: %d stored offers queried in %d ms",
        rows.size(), (System.nanoTime() - started) / 1_000_000);
    List<Read> out = new ArrayList<>(rows.size());
    for (OfferStore.Latest l : rows) {
      try {
        out.add(new Read(l.snapshotId(), JSON.readValue(l.json(), HostOffer.class)));
      } catch (JsonProcessingException | RuntimeException e) {
        LOG.debugf("host selection: stored offer of %s unreadable: %s", l.host(), e);
      }
    }
    return out;
  }

  /** An offer read back and its snapshot. */
  record Read(long snapshotId, HostOffer offer) {}

  /** Drops the offers of other builds and of snapshots no longer latest; how many. */
  int prune() {
    return store.prune(build());
  }

  /** Offers queued and not yet written (tests wait for none). */
  int waiting() {
    return pending.get();
  }

  private synchronized void startWriter() {
    if (writer != null) {
      return;
    }
    writer = new Thread(this::write, "host-offers-archive");
    writer.setDaemon(true);
    writer.start();
  }

  private void write() {
    List<OfferStore.Offer> batch = new ArrayList<>(BATCH);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(batch, BATCH - 1);
      try {
        store.put(build(), batch);
      } catch (RuntimeException e) {
        LOG.debugf("host selection: %d offers not kept: %s", batch.size(), e);
      }
      pending.addAndGet(-batch.size());
      batch.clear();
    }
  }

  @PreDestroy
  synchronized void stop() {
    if (writer != null) {
      writer.interrupt();
    }
  }
}
