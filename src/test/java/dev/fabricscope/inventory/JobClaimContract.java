package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.BandwidthJobStore.Assignment;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.NewJob;
import dev.fabricscope.inventory.BandwidthJobStore.Outcome;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claims under contention, as several server replicas make them on one database: claimers that race
 * for the same hosts' jobs (two per host, as an agent polling two replicas would), each finishing
 * what it got, until every job is over. Every job is claimed exactly once, and no host ever holds
 * two claimed jobs at once. The hosts have inventory rows, as in the server, where jobs are only
 * queued for known hosts.
 */
abstract class JobClaimContract extends EmptiedDatabase {

  static final int HOSTS = 5;
  static final int JOBS_PER_HOST = 20;

  BandwidthJobStore store;

  @BeforeEach
  void openStore() throws Exception {
    store = new JdbcBandwidthJobStore(dataSource());
    try (Connection c = dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hosts (name, first_seen, last_seen, imported) VALUES (?, ?, ?, ?)")) {
      for (int h = 0; h < HOSTS; h++) {
        ps.setString(1, "claim-" + h);
        ps.setTimestamp(2, Timestamp.from(BandwidthJobStoreContract.T0));
        ps.setTimestamp(3, Timestamp.from(BandwidthJobStoreContract.T0));
        ps.setBoolean(4, false);
        ps.executeUpdate();
      }
    }
  }

  @Test
  void racingClaimersTakeEachJobOnceAndOneJobPerHostAtATime() throws Exception {
    List<Long> created = new ArrayList<>();
    for (int i = 0; i < JOBS_PER_HOST; i++) {
      for (int h = 0; h < HOSTS; h++) {
        String host = "claim-" + h;
        Job j =
            store.create(
                new NewJob(
                    BandwidthJobStoreContract.memcpy(1),
                    host,
                    host,
                    "op",
                    Instant.now(),
                    Instant.now().plusSeconds(3600)));
        created.add(j.id());
      }
    }
    Map<Long, String> claimedBy = new ConcurrentHashMap<>();
    Set<Long> claimedTwice = ConcurrentHashMap.newKeySet();
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    Set<String> overlaps = ConcurrentHashMap.newKeySet();
    AtomicInteger done = new AtomicInteger();
    int claimersPerHost = 2;
    ExecutorService pool = Executors.newFixedThreadPool(HOSTS * claimersPerHost);
    List<Future<?>> claimers = new ArrayList<>();
    for (int h = 0; h < HOSTS; h++) {
      String host = "claim-" + h;
      running.put(host, new AtomicInteger());
      for (int k = 0; k < claimersPerHost; k++) {
        String me = host + "/claimer-" + k;
        claimers.add(
            pool.submit(
                () -> {
                  long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                  while (done.get() < created.size() && System.nanoTime() < until) {
                    Optional<Assignment> a =
                        store.take(host, Instant.now(), BandwidthJobStoreContract.DEADLINES);
                    if (a.isEmpty()) {
                      Thread.sleep(1);
                      continue;
                    }
                    long id = a.get().job().id();
                    if (running.get(host).incrementAndGet() > 1) {
                      overlaps.add(host + " got job " + id + " while running another");
                    }
                    if (claimedBy.putIfAbsent(id, me) != null) {
                      claimedTwice.add(id);
                    }
                    // released before the job ends: a take after this sees the job still active
                    running.get(host).decrementAndGet();
                    assertTrue(store.finish(id, Outcome.of(State.ERROR, me), Instant.now()));
                    done.incrementAndGet();
                  }
                  return null;
                }));
      }
    }
    try {
      for (Future<?> f : claimers) {
        f.get(90, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(Set.of(), claimedTwice, "jobs claimed twice");
    assertEquals(Set.of(), overlaps, "hosts with two jobs at once");
    assertEquals(Set.copyOf(created), claimedBy.keySet(), "every job claimed");
    for (long id : created) {
      Job j = store.job(id).orElseThrow();
      assertEquals(State.ERROR, j.state());
      // the job ended by the claimer that got it, and only by it
      assertEquals(claimedBy.get(id), j.message());
    }
  }
}
