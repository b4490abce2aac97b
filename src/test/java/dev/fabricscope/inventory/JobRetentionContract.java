package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.BandwidthJobStoreContract.T0;
import static dev.fabricscope.inventory.BandwidthJobStoreContract.memcpy;
import static dev.fabricscope.inventory.BandwidthJobStoreContract.tcp;
import static dev.fabricscope.inventory.BandwidthJobStoreContract.withinNode0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.NewJob;
import dev.fabricscope.inventory.BandwidthJobStore.Outcome;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link JobRetention} keeps of a host's finished bandwidth tests, on every database. */
abstract class JobRetentionContract extends EmptiedDatabase {

  BandwidthJobStore store;

  @BeforeEach
  void openStore() {
    store =
        new JdbcBandwidthJobStore(dataSource(), new JobRetention(5, 2), SnapshotSpace.UNCHECKED);
  }

  Job create(BandwidthSpec spec, String source, String target) {
    return store.create(new NewJob(spec, source, target, "op", T0, T0.plusSeconds(3600)));
  }

  /**
   * A host keeps its newest finished tests and raw outputs only (twelfth security review, finding
   * 2), and the host-memcpy baselines whatever their age: the newest copy of each path and the
   * fastest within each node.
   */
  @Test
  void finishedTestsBeyondTheRetentionAreDeletedButNotTheBaselines() {
    store =
        new JdbcBandwidthJobStore(dataSource(), new JobRetention(5, 2), SnapshotSpace.UNCHECKED);
    // baselines: the fastest copy within node 0, the newest of that path (slower), the newest
    // 0 -> 1 copy with 3 threads
    Job fastest = create(withinNode0(List.of()), "h1", "h1");
    finish(fastest, State.PASSED, 40.0, "raw");
    Job slower = create(withinNode0(List.of()), "h1", "h1");
    finish(slower, State.PASSED, 30.0, "raw");
    Job path = create(memcpy(3), "h1", "h1");
    finish(path, State.MEASURED, 20.0, "raw");
    List<Job> tcp = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Job j = create(tcp(), "h1", "h2");
      finish(j, i % 2 == 0 ? State.CANCELLED : State.FAILED, i % 2 == 0 ? null : 1.0, "raw " + i);
      tcp.add(j);
    }
    Job other = create(tcp(), "h2", "h1");
    finish(other, State.FAILED, 1.0, "kept: another host's");
    Job active = create(tcp(), "h1", "h2");
    // kept: the 5 newest finished, the three baselines, the active one, h2's
    List<Long> left = new ArrayList<>();
    store
        .list(new BandwidthJobStore.Query(null, null, null, null, null, 0, 100))
        .forEach(j -> left.add(j.id()));
    List<Long> expected = new ArrayList<>();
    expected.add(active.id());
    expected.add(other.id());
    for (int i = 11; i >= 7; i--) {
      expected.add(tcp.get(i).id());
    }
    expected.add(path.id());
    expected.add(slower.id());
    expected.add(fastest.id());
    assertEquals(expected, left);
    assertEquals(Optional.of(20.0), store.lastHostMemcpy("h1", "numa:0", "numa:1", 3));
    assertEquals(Optional.of(30.0), store.lastHostMemcpy("h1", "numa:0", "numa:0", 1));
    assertEquals(40.0, store.bestHostMemcpyWithinNodes("h1").get(0).gbps());
    // raw output: the two newest of h1's only
    assertTrue(store.rawOutput(tcp.get(11).id()).isPresent());
    assertTrue(store.rawOutput(tcp.get(10).id()).isPresent());
    assertTrue(store.rawOutput(tcp.get(9).id()).isEmpty());
    assertTrue(store.rawOutput(fastest.id()).isEmpty());
    assertTrue(store.rawOutput(other.id()).isPresent());
  }

  private void finish(Job j, State state, Double gbps, String raw) {
    assertTrue(
        store.finish(
            j.id(), new Outcome(state, gbps, null, null, null, raw, null), T0.plusSeconds(j.id())));
  }
}
