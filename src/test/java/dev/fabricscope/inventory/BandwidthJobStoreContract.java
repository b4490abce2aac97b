package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.BandwidthFlow;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.inventory.BandwidthJobStore.Assignment;
import dev.fabricscope.inventory.BandwidthJobStore.Deadlines;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.Listener;
import dev.fabricscope.inventory.BandwidthJobStore.NewJob;
import dev.fabricscope.inventory.BandwidthJobStore.Outcome;
import dev.fabricscope.inventory.BandwidthJobStore.Query;
import dev.fabricscope.inventory.BandwidthJobStore.Role;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link BandwidthJobStore} and {@link AgentCapabilityStore} must do. */
abstract class BandwidthJobStoreContract extends EmptiedDatabase {

  static final Instant T0 = Instant.parse("2026-11-24T10:00:00.123456Z");
  static final Deadlines DEADLINES =
      new Deadlines() {
        @Override
        public Instant listenReady(Job job, Instant now) {
          return now.plusSeconds(60);
        }

        @Override
        public Instant run(Job job, Instant now) {
          return now.plusSeconds(300);
        }
      };

  BandwidthJobStore store;
  AgentCapabilityStore caps;

  @BeforeEach
  void openStore() throws Exception {
    store = new JdbcBandwidthJobStore(dataSource());
    caps = new JdbcAgentCapabilityStore(dataSource());
  }

  /** A one-thread copy within node 0, with {@code concurrent} flows beside it. */
  static BandwidthSpec withinNode0(List<BandwidthFlow> concurrent) {
    return BandwidthSpec.of(
        BandwidthKind.HOST_MEMCPY,
        Endpoint.numa(0),
        Endpoint.numa(0),
        1 << 20,
        5,
        null,
        1,
        false,
        concurrent);
  }

  static BandwidthSpec memcpy(int threads) {
    return BandwidthSpec.of(
        BandwidthKind.HOST_MEMCPY,
        Endpoint.numa(0),
        Endpoint.numa(1),
        1 << 20,
        5,
        null,
        threads,
        false);
  }

  static BandwidthSpec tcp() {
    return BandwidthSpec.of(
        BandwidthKind.TCP,
        Endpoint.parse("addr:10.0.0.1"),
        Endpoint.parse("addr:10.0.0.2"),
        1 << 20,
        1,
        10,
        1,
        false);
  }

  Job create(BandwidthSpec spec, String source, String target) {
    return store.create(new NewJob(spec, source, target, "op", T0, T0.plusSeconds(3600)));
  }

  /**
   * A host-memcpy test of more threads than 64-byte lines, stored before the fourteenth review
   * refused it, still reads back as stored (its row is not an invalid spec).
   */
  @Test
  void aTestStoredBeforeTheLinesRuleReadsBack() {
    var old =
        new BandwidthSpec(
            BandwidthKind.HOST_MEMCPY,
            Endpoint.numa(0),
            Endpoint.numa(0),
            4096,
            5,
            null,
            100,
            false,
            List.of());
    Job j = create(old, "h1", "h1");
    assertEquals(100, store.job(j.id()).orElseThrow().spec().threads());
    assertEquals(old, store.job(j.id()).orElseThrow().spec());
  }

  @Test
  void createdJobsReadBackExactly() {
    Job j = create(memcpy(4), "h1", "h1");
    assertEquals(State.QUEUED, j.state());
    assertEquals(memcpy(4), j.spec());
    assertEquals(T0, j.created());
    assertEquals(T0.plusSeconds(3600), j.deadline());
    assertEquals("op", j.requestedBy());
    assertNull(j.started());
    assertEquals(Optional.of(j), store.job(j.id()));
    assertEquals(1, store.rowCount());
    Job t = create(tcp(), "h1", "h2");
    assertEquals(Integer.valueOf(10), t.spec().durationSeconds());
  }

  @Test
  void oneHostJobsAreHandedOutOnceOldestFirstAndOneAtATimePerHost() {
    Job first = create(memcpy(1), "h1", "h1");
    Job second = create(memcpy(2), "h1", "h1");
    assertTrue(store.take("h2", T0, DEADLINES).isEmpty());
    Assignment a = store.take("h1", T0.plusSeconds(1), DEADLINES).orElseThrow();
    assertEquals(first.id(), a.job().id());
    assertEquals(Role.RUN, a.role());
    assertEquals(State.RUNNING, a.job().state());
    assertEquals(T0.plusSeconds(301), a.job().deadline());
    assertEquals(T0.plusSeconds(1), a.job().started());
    // the host is busy with the first job: the second waits
    assertTrue(store.take("h1", T0.plusSeconds(2), DEADLINES).isEmpty());
    assertTrue(store.finish(first.id(), Outcome.of(State.ERROR, "boom"), T0.plusSeconds(3)));
    assertFalse(store.finish(first.id(), Outcome.of(State.CANCELLED, "late"), T0.plusSeconds(4)));
    assertEquals("boom", store.job(first.id()).orElseThrow().message());
    assertEquals(second.id(), store.take("h1", T0, DEADLINES).orElseThrow().job().id());
  }

  @Test
  void twoSidedJobsListenFirstThenRunWithThePeer() {
    Job j = create(tcp(), "src", "dst");
    assertTrue(store.take("src", T0, DEADLINES).isEmpty(), "the source waits for the listener");
    Assignment listen = store.take("dst", T0, DEADLINES).orElseThrow();
    assertEquals(Role.LISTEN, listen.role());
    assertEquals(State.QUEUED, listen.job().state());
    assertEquals(T0.plusSeconds(60), listen.job().deadline());
    assertTrue(store.take("dst", T0, DEADLINES).isEmpty(), "each side is handed out once");
    assertTrue(store.take("src", T0, DEADLINES).isEmpty());
    Listener l = new Listener("10.0.0.2", 5201, null, null);
    assertTrue(store.listening(j.id(), l, T0.plusSeconds(400)));
    assertFalse(store.listening(j.id(), l, T0.plusSeconds(400)), "only once");
    Assignment run = store.take("src", T0.plusSeconds(5), DEADLINES).orElseThrow();
    assertEquals(Role.RUN, run.role());
    assertEquals(State.RUNNING, run.job().state());
    assertEquals(l, run.job().listener());
    assertEquals(T0, run.job().started(), "started when the first side was taken");
  }

  @Test
  void aTwoSidedJobOnOneHostHandsBothSidesToIt() {
    Job j = create(tcp(), "h", "h");
    assertEquals(Role.LISTEN, store.take("h", T0, DEADLINES).orElseThrow().role());
    assertTrue(store.take("h", T0, DEADLINES).isEmpty(), "not before the listener is ready");
    assertTrue(
        store.listening(j.id(), new Listener("::1", 7000, "fe80::1", 3), T0.plusSeconds(99)));
    Assignment run = store.take("h", T0, DEADLINES).orElseThrow();
    assertEquals(Role.RUN, run.role());
    assertEquals(new Listener("::1", 7000, "fe80::1", 3), run.job().listener());
  }

  @Test
  void racingPollsGetEachSideOnce() throws Exception {
    for (int i = 0; i < 20; i++) {
      create(memcpy(1), "host-" + i, "host-" + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Optional<Assignment>>> answers = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 20; i++) {
          String host = "host-" + i;
          answers.add(
              pool.submit((Callable<Optional<Assignment>>) () -> store.take(host, T0, DEADLINES)));
        }
      }
      int taken = 0;
      for (Future<Optional<Assignment>> f : answers) {
        taken += f.get().isPresent() ? 1 : 0;
      }
      assertEquals(20, taken);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void expiryNamesThePhaseAndRestartTimesOutOnlyTakenJobs() {
    Job waiting = create(memcpy(1), "a", "a");
    Job listening = create(tcp(), "b", "c");
    store.take("c", T0, DEADLINES).orElseThrow();
    Job queuedOnly = create(memcpy(1), "d", "d");
    List<Job> abandoned = store.abandonTaken(T0.plusSeconds(1), "server restarted");
    assertEquals(List.of(listening.id()), abandoned.stream().map(Job::id).toList());
    assertEquals(State.TIMED_OUT, store.job(listening.id()).orElseThrow().state());
    assertEquals("server restarted", store.job(listening.id()).orElseThrow().message());
    assertEquals(State.QUEUED, store.job(waiting.id()).orElseThrow().state());
    assertTrue(store.expire(T0.plusSeconds(10)).isEmpty());
    var expired = store.expire(T0.plusSeconds(3601));
    assertEquals(
        List.of(waiting.id(), queuedOnly.id()), expired.stream().map(e -> e.job().id()).toList());
    assertEquals(State.QUEUED, expired.get(0).was());
    assertEquals(
        "no agent of a picked the job up before its deadline", expired.get(0).job().message());
  }

  @Test
  void aRunPastItsDeadlineTimesOutWithoutAResult() {
    Job j = create(memcpy(1), "h", "h");
    store.take("h", T0, DEADLINES).orElseThrow();
    assertTrue(store.expire(T0.plusSeconds(299)).isEmpty());
    var expired = store.expire(T0.plusSeconds(301));
    assertEquals(State.RUNNING, expired.get(0).was());
    assertEquals("no result from h before the deadline", expired.get(0).job().message());
    assertEquals(T0.plusSeconds(301), store.job(j.id()).orElseThrow().finished());
    assertFalse(
        store.finish(j.id(), new Outcome(State.PASSED, 1.0, 1.0, "pass", "{}", null, null), T0),
        "a late result changes nothing");
  }

  @Test
  void resultsRawOutputAndTheHostMemoryBaseline() {
    Job j = create(memcpy(4), "h", "h");
    store.take("h", T0, DEADLINES);
    String raw = "copy  12.5 GB/s\n".repeat(2000);
    assertTrue(
        store.finish(
            j.id(),
            new Outcome(State.MEASURED, 12.5, null, "unknown", "{\"x\":1}", raw, null),
            T0.plusSeconds(2)));
    Job done = store.job(j.id()).orElseThrow();
    assertEquals(12.5, done.measuredGBps());
    assertNull(done.expectedGBps());
    assertEquals("{\"x\":1}", done.resultJson());
    assertEquals(Optional.of(raw), store.rawOutput(j.id()));
    assertEquals(Optional.of(12.5), store.lastHostMemcpy("h", "numa:0", "numa:1", 4));
    assertEquals(Optional.empty(), store.lastHostMemcpy("h", "numa:0", "numa:1", 1));
    Job worse = create(memcpy(4), "h", "h");
    store.take("h", T0, DEADLINES);
    store.finish(worse.id(), new Outcome(State.FAILED, 3.0, 12.5, "fail", "{}", null, null), T0);
    assertEquals(Optional.of(12.5), store.lastHostMemcpy("h", "numa:0", "numa:1", 4));
  }

  @Test
  void concurrentFlowsReadBackAndTheirSumIsNoMemoryBaseline() {
    BandwidthSpec two = withinNode0(List.of(BandwidthFlow.parse("numa:1=numa:1")));
    Job j = create(two, "h", "h");
    assertEquals(two, store.job(j.id()).orElseThrow().spec());
    store.take("h", T0, DEADLINES);
    store.finish(j.id(), new Outcome(State.MEASURED, 40.0, null, "unknown", "{}", null, null), T0);
    assertEquals(Optional.empty(), store.lastHostMemcpy("h", "numa:0", "numa:0", 1));
    assertEquals(List.of(), store.bestHostMemcpyWithinNodes("h"));
  }

  @Test
  void aCopyThatMovedNothingIsNoMemoryBaseline() {
    BandwidthSpec within = withinNode0(List.of());
    Job j = create(within, "h0", "h0");
    store.take("h0", T0, DEADLINES);
    store.finish(j.id(), new Outcome(State.MEASURED, 0.0, null, "unknown", "{}", null, null), T0);
    // a 0 GB/s baseline made every plan of the host a 500 (PlanOptions refuses it)
    assertEquals(List.of(), store.bestHostMemcpyWithinNodes("h0"));
    assertEquals(Optional.empty(), store.lastHostMemcpy("h0", "numa:0", "numa:0", 1));
  }

  @Test
  void listsNewestFirstPerHostPeerPairAndKind() {
    Job m = create(memcpy(1), "h1", "h1");
    Job t1 = create(tcp(), "h1", "h2");
    Job t2 = create(tcp(), "h2", "h1");
    Job other = create(tcp(), "h3", "h4");
    assertEquals(
        List.of(t2.id(), t1.id(), m.id()), ids(new Query("h1", null, null, null, null, 0, 50)));
    assertEquals(List.of(t2.id(), t1.id()), ids(new Query("h1", "h2", null, null, null, 0, 50)));
    assertEquals(
        List.of(t1.id()),
        ids(new Query("h1", "h2", "addr:10.0.0.1", "addr:10.0.0.2", null, 0, 50)));
    assertEquals(
        List.of(m.id()), ids(new Query("h1", null, "numa:1", "numa:0", null, 0, 50)), "either way");
    assertEquals(List.of(m.id()), ids(new Query("h1", null, null, null, "host-memcpy", 0, 50)));
    assertEquals(List.of(t1.id()), ids(new Query("h1", null, null, null, null, 1, 1)));
    assertEquals(4, ids(new Query(null, null, null, null, null, 0, 50)).size());
    assertTrue(ids(new Query("h1", null, null, null, null, 0, 50)).indexOf(other.id()) < 0);
  }

  @Test
  void capabilitiesAreReplacedPerHost() {
    assertTrue(caps.capabilities("h").isEmpty());
    caps.putCapabilities("h", "[1]", T0);
    caps.putCapabilities("h", "[2]", T0.plus(Duration.ofSeconds(1)));
    var c = caps.capabilities("h").orElseThrow();
    assertEquals("[2]", c.json());
    assertEquals(T0.plusSeconds(1), c.updated());
  }

  private List<Long> ids(Query q) {
    return store.list(q).stream().map(Job::id).toList();
  }
}
