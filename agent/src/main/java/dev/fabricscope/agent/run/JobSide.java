package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.JobAssignment;
import dev.fabricscope.agent.bandwidth.Listener;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One checked job side on this agent, on its own thread: the run (a helper measures, progress
 * events every few seconds double as the cancel check: a 409 from the server cancels the helper) or
 * the listener (started, reported with its address, kept until the test is over). Failures become
 * {@code error} events with the helper's one-line reason.
 */
final class JobSide implements Runnable {

  /**
   * Where a side's events go: the server ({@link JobClient#event}), or nowhere for the rehearsal
   * before the first poll ({@link JobRehearsal}).
   */
  @FunctionalInterface
  interface Events {
    JobClient.Answer event(long jobId, String json);
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RESULT_ATTEMPTS = 5;

  private final JobAssignment job;
  private final Optional<BandwidthHelper> helper;
  private final Events client;
  private final ScheduledExecutorService ticks;
  private volatile CompletableFuture<JobClient.Answer> started;
  private final Duration progressEvery;
  private final AgentLog log;
  private final Cancellation cancel;
  private final String role;
  private volatile Peer listeningAt;
  // how the side ended, for the job loop's pacing (Refusals)
  private volatile Runnable onFailure = () -> {};
  private volatile boolean ranNormally;

  JobSide(
      JobAssignment job,
      Optional<BandwidthHelper> helper,
      Events client,
      ScheduledExecutorService ticks,
      Duration progressEvery,
      AgentLog log) {
    this.job = job;
    this.helper = helper;
    this.client = client;
    this.ticks = ticks;
    this.progressEvery = progressEvery;
    this.log = log;
    this.cancel = Cancellation.within(job.timeoutSeconds());
    this.role = job.listen() ? "listen" : "run";
  }

  /** Where this side's listener listens, from just before it tells the server; else null. */
  Peer listeningAt() {
    return listeningAt;
  }

  /**
   * Runs {@code r} when the side fails (no helper, the helper refused or failed), before the error
   * event travels: the job loop learns of it before its next poll as far as it can.
   */
  JobSide whenFailed(Runnable r) {
    onFailure = r;
    return this;
  }

  /** Whether the side did its part: the run posted a result, the listener was taken. */
  boolean ranNormally() {
    return ranNormally;
  }

  /** Stops the side (agent stopping): the helper sees the cancellation. */
  void cancel() {
    cancel.cancel();
  }

  @Override
  public void run() {
    String kind = job.spec().kind().json();
    if (helper.isEmpty()) {
      onFailure.run();
      post(event("error").put("message", "no helper for " + kind + " on this host"), true);
      return;
    }
    log.info("job " + job.jobId() + " " + role + " " + kind + " with " + helper.get().name());
    // "started" travels while the helper starts: a round trip less on the test's path. Every
    // later post waits for it (order kept); a job already over cancels the helper (post). The
    // listen side posts none: its "listening", moments later, says it started, and the run side
    // waits for that one, so an earlier round trip would only compete with it.
    if (!job.listen()) {
      try {
        started = CompletableFuture.supplyAsync(() -> post(event("started"), false), ticks);
      } catch (RejectedExecutionException e) {
        return; // the agent is stopping
      }
    }
    try {
      if (job.listen()) {
        listen(helper.get());
      } else {
        measure(helper.get());
      }
    } catch (HelperException e) {
      failed(e.getMessage());
    } catch (RuntimeException e) {
      failed("helper " + helper.get().name() + " failed: " + e);
    }
  }

  private void measure(BandwidthHelper h) throws HelperException {
    ScheduledFuture<?> watch =
        ticks.scheduleWithFixedDelay(
            this::progress,
            progressEvery.toMillis(),
            progressEvery.toMillis(),
            TimeUnit.MILLISECONDS);
    Measurement m;
    try {
      m = h.run(job.spec(), job.peer(), cancel).bounded();
    } finally {
      watch.cancel(false);
    }
    if (cancel.cancelled()) {
      log.info("job " + job.jobId() + " cancelled");
      return;
    }
    ObjectNode result = event("result").put("helper", m.helper());
    m.samplesGBps().forEach(result.putArray("samples")::add);
    if (m.flowSamplesGBps() != null) {
      var flows = result.putArray("flowSamples");
      m.flowSamplesGBps().forEach(f -> f.forEach(flows.addArray()::add));
    }
    if (m.rawOutput() != null) {
      result.put("rawOutput", m.rawOutput());
    }
    JobClient.Answer a = post(result, true);
    ranNormally = true;
    log.info("job " + job.jobId() + " result status=" + a.status() + " " + a.detail());
  }

  private void listen(BandwidthHelper h) throws HelperException {
    try (Listener l = h.listen(job.spec(), cancel)) {
      Peer p = l.peer();
      ObjectNode ready = event("listening").put("address", p.address()).put("port", p.port());
      if (p.gid() != null) {
        ready.put("gid", p.gid());
      }
      if (p.gidIndex() != null) {
        ready.put("gidIndex", p.gidIndex());
      }
      // known before the server hears of it: the run side may come to this agent at once
      listeningAt = p;
      if (post(ready, true).kind() != JobClient.Kind.OK) {
        return; // over, refused or unreachable: the listener closes
      }
      ranNormally = true;
      // until the server says the test is over (result, cancel, deadline) or the listener ends
      while (!cancel.stop()) {
        long t0 = System.nanoTime();
        if (l.await(progressEvery.toMillis()) != null) {
          return;
        }
        JobClient.Kind k = progress();
        if (k == JobClient.Kind.OVER || k == JobClient.Kind.REJECTED) {
          return;
        }
        long left = progressEvery.toMillis() - (System.nanoTime() - t0) / 1_000_000;
        if (left > 0) {
          Thread.sleep(left); // a listener that returned at once must not spin
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      listeningAt = null;
    }
  }

  /** Posts progress; a 409 (over) cancels the helper. */
  private JobClient.Kind progress() {
    JobClient.Answer a = client.event(job.jobId(), event("progress").toString());
    if (a.kind() == JobClient.Kind.OVER) {
      log.info("job " + job.jobId() + " is over on the server (" + a.state() + "): stopping");
      cancel.cancel();
    }
    return a.kind();
  }

  private void failed(String message) {
    if (cancel.cancelled()) {
      return; // the server already knows why
    }
    onFailure.run();
    String why = cancel.expired() ? "deadline passed: " + message : message;
    log.info("job " + job.jobId() + " error: " + why);
    post(event("error").put("message", why), true);
  }

  private ObjectNode event(String type) {
    return JSON.createObjectNode().put("type", type).put("role", role);
  }

  /** Posts an event; with {@code retry}, server failures are retried a few times. */
  private JobClient.Answer post(ObjectNode event, boolean retry) {
    CompletableFuture<JobClient.Answer> first = started;
    if (first != null && !event.path("type").asText().equals("started")) {
      first.join();
    }
    JobClient.Answer a = client.event(job.jobId(), event.toString());
    for (int i = 1; retry && a.kind() == JobClient.Kind.RETRY && i < RESULT_ATTEMPTS; i++) {
      try {
        Thread.sleep(200L << i);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      a = client.event(job.jobId(), event.toString());
    }
    if (a.kind() == JobClient.Kind.OVER) {
      cancel.cancel();
    }
    return a;
  }
}
