package dev.fabricscope.it;

import static dev.fabricscope.it.ReplicaClient.event;
import static dev.fabricscope.it.ReplicaClient.poll;

import dev.fabricscope.it.ReplicaClient.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Agents playing against several replicas: per host, one poller on each replica (as if the host's
 * agent were load-balanced over them), each long-polling, ending every job it gets with an {@code
 * error} event naming itself through the replica it polls, and recording what it got. A host that
 * gets a job while one of its jobs is still running is recorded as an overlap.
 */
final class ReplicaAgents implements AutoCloseable {

  /** Job id to the poller ("host@replica-index") that got it. */
  final Map<Long, String> claimedBy = new ConcurrentHashMap<>();

  /** Jobs handed out more than once. */
  final Set<Long> claimedTwice = ConcurrentHashMap.newKeySet();

  /** Hosts that got a job while running another. */
  final Set<String> overlaps = ConcurrentHashMap.newKeySet();

  /** Claims per replica index. */
  final Map<Integer, AtomicInteger> perReplica = new ConcurrentHashMap<>();

  /** Unexpected answers. */
  final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

  private final AtomicBoolean stop = new AtomicBoolean();
  private final ExecutorService pool;
  private final List<Future<?>> pollers = new ArrayList<>();

  ReplicaAgents(List<String> replicaUrls, Map<String, String> agentTokens) {
    pool = Executors.newFixedThreadPool(replicaUrls.size() * agentTokens.size());
    for (var host : agentTokens.entrySet()) {
      AtomicInteger running = new AtomicInteger();
      for (int r = 0; r < replicaUrls.size(); r++) {
        int replica = r;
        perReplica.putIfAbsent(r, new AtomicInteger());
        String url = replicaUrls.get(r);
        String me = host.getKey() + "@" + r;
        pollers.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    pollOnce(url, host.getKey(), host.getValue(), me, replica, running);
                  }
                  return null;
                }));
      }
    }
  }

  private void pollOnce(
      String url, String host, String token, String me, int replica, AtomicInteger running)
      throws Exception {
    Reply r = poll(url, token, host, 5);
    if (r.status() == 204) {
      return;
    }
    if (r.status() != 200) {
      errors.add(me + " poll: " + r.status() + " " + r.body());
      Thread.sleep(100);
      return;
    }
    long id = r.json().get("jobId").asLong();
    if (running.incrementAndGet() > 1) {
      overlaps.add(host + " got job " + id + " while running another");
    }
    if (claimedBy.putIfAbsent(id, me) != null) {
      claimedTwice.add(id);
    }
    perReplica.get(replica).incrementAndGet();
    // released before the job ends: a poll after this finds the job still active
    running.decrementAndGet();
    Reply done = event(url, token, host, id, "{\"type\":\"error\",\"message\":\"" + me + "\"}");
    if (done.status() != 200) {
      errors.add(me + " event on " + id + ": " + done.status() + " " + done.body());
    }
  }

  @Override
  public void close() throws Exception {
    stop.set(true);
    pool.shutdown();
    if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
      pool.shutdownNow();
    }
    for (Future<?> f : pollers) {
      f.get(1, TimeUnit.SECONDS); // a poller's exception fails the test
    }
  }
}
