package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.JobAssignment;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.agent.bandwidth.PeerNetworks;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.topology.HostNames;
import dev.fabricscope.topology.Report;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent's bandwidth-test loop, beside the report loop on its own thread: reports the helpers
 * ({@link BandwidthHelper#detect()} and the kinds each {@link BandwidthHelper#handles}) once at
 * start, then long-polls the server for job sides. Every assignment is checked again ({@link
 * JobAssignment#parse}, its peer too, which may stay on this host only where this agent's own
 * listen side of that job listens, and elsewhere must be in this agent's {@link PeerNetworks}); a
 * refused one gets an {@code error} event and starts nothing. Accepted sides run on their own
 * threads ({@link JobSide}), at most {@value #MAX_SIDES} at once (the two sides of a test between
 * two ports of this host are two). A server without the jobs API (404) ends the loop; other
 * failures back off like the report loop, at least as long as a {@code Retry-After} asks. After an
 * assignment refused or a side failed, the next poll waits ({@link Refusals}), as it does after a
 * "no work" that came sooner than a held long poll would ({@link EmptyPolls}); a repeated log line
 * is written once a minute ({@link AgentLog#quietRepeats}).
 */
public final class JobLoop {

  /** Long-poll wait asked of the server. */
  public static final int WAIT_SECONDS = 25;

  /** The longest wait a poll's {@code Retry-After} may ask for (the backoff's cap). */
  static final Duration MAX_RETRY = Duration.ofMinutes(1);

  /** Job sides running at once. */
  static final int MAX_SIDES = 4;

  /** How often one repeated log line is written (with the count of those left out). */
  static final Duration QUIET_REPEATS = Duration.ofMinutes(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Side(long jobId, boolean listen) {}

  private final JobClient client;
  private final List<BandwidthHelper> helpers;
  private final Function<BandwidthKind, Optional<BandwidthHelper>> lookup;
  private final Backoff backoff;
  private final Refusals refusals;
  private final EmptyPolls emptyPolls;
  private final Duration progressEvery;
  private final AgentLog log;
  private final PeerNetworks networks;
  // by side, not by job: a test between two ports of this host runs both of its sides here
  private final Map<Side, JobSide> running = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor sides;
  private final ScheduledExecutorService ticks;
  private final Object wake = new Object();
  private volatile boolean stopping;

  /**
   * @param helpers every helper of this agent, for the capabilities report
   * @param lookup the helper that runs a kind here (the agent's helper registry)
   * @param progressEvery how often a running side posts progress (and learns of a cancel)
   * @param networks where a run side on another host than its listener may connect
   */
  public JobLoop(
      JobClient client,
      List<BandwidthHelper> helpers,
      Function<BandwidthKind, Optional<BandwidthHelper>> lookup,
      Backoff backoff,
      Duration progressEvery,
      AgentLog log,
      PeerNetworks networks) {
    this.client = client;
    this.networks = networks;
    this.helpers = List.copyOf(helpers);
    this.lookup = lookup;
    this.backoff = backoff;
    this.refusals = new Refusals(backoff);
    this.emptyPolls = new EmptyPolls(backoff);
    this.progressEvery = progressEvery;
    // a server that hands out the same bad assignment again must not fill the journal
    this.log = log.quietRepeats(QUIET_REPEATS);
    this.sides = JobThreads.sides(MAX_SIDES);
    this.ticks = JobThreads.ticks();
  }

  /**
   * The job loop of the host named in the agent's first report, or null (logged) when that name is
   * not one the server accepts.
   */
  public static JobLoop forHost(
      Report first,
      URI server,
      Supplier<String> token,
      Duration timeout,
      List<BandwidthHelper> helpers,
      Function<BandwidthKind, Optional<BandwidthHelper>> lookup,
      AgentLog log,
      PeerNetworks networks) {
    String host = first.host() == null ? null : first.host().name();
    if (host == null || !HostNames.valid(host)) {
      log.info("jobs: this host's name is not a valid host name; bandwidth jobs off");
      return null;
    }
    return new JobLoop(
        new JobClient(server, host, token, timeout),
        helpers,
        lookup,
        new Backoff(Duration.ofSeconds(1), MAX_RETRY),
        Duration.ofSeconds(2),
        log,
        networks);
  }

  /** Runs until {@link #stop()} or until the server turns out to have no jobs API. */
  public void run() {
    try {
      if (!report(CapabilityList.json(helpers))) {
        return;
      }
      JobRehearsal.run(helpers, lookup, log, ticks);
      while (!stopping) {
        Duration owed = refusals.take();
        if (!owed.isZero()) {
          pause(owed);
          continue;
        }
        long began = System.nanoTime();
        JobClient.Answer a = client.poll(WAIT_SECONDS);
        switch (a.kind()) {
          case OK -> {
            backoff.reset();
            emptyPolls.reset();
            accept(a.body());
          }
          case NONE -> {
            backoff.reset();
            Duration owes = emptyPolls.after(Duration.ofNanos(System.nanoTime() - began));
            if (!owes.isZero()) {
              pause(owes);
            }
          }
          default -> {
            if (a.status() == 404) {
              log.info("jobs: the server has no bandwidth jobs API (404); job loop off");
              return;
            }
            // a 429 when this host's poll places are taken (e.g. by a poll a reconnect left)
            Duration d = a.waitAtLeast(backoff.next(), MAX_RETRY);
            log.info("jobs: poll status=" + a.status() + " " + a.detail() + " retry-in=" + d);
            pause(d);
          }
        }
      }
    } finally {
      ticks.shutdownNow();
      sides.shutdown();
    }
  }

  /** Stops polling and cancels every running side (their helpers kill their processes). */
  public void stop() {
    stopping = true;
    running.values().forEach(JobSide::cancel);
    client.abortAll();
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /**
   * Waits up to {@code millis} for the running sides to end after {@link #stop()}, so their helpers
   * can kill their processes before the JVM exits; true when none is left.
   */
  public boolean awaitSides(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!running.isEmpty() && System.nanoTime() < until) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return running.isEmpty();
      }
    }
    return running.isEmpty();
  }

  /** Job sides running now. */
  public int running() {
    return running.size();
  }

  private boolean report(String json) {
    while (!stopping) {
      JobClient.Answer a = client.putCapabilities(json);
      if (a.kind() == JobClient.Kind.OK) {
        backoff.reset();
        return true;
      }
      if (a.status() == 404) {
        log.info("jobs: the server has no bandwidth jobs API (404); job loop off");
        return false;
      }
      if (a.kind() == JobClient.Kind.REJECTED) {
        log.info("jobs: capabilities refused status=" + a.status() + " " + a.detail());
        return true; // polling will say more; the server refuses what the agent cannot run
      }
      pause(backoff.next());
    }
    return false;
  }

  private void accept(JsonNode body) {
    JobAssignment job;
    try {
      job = JobAssignment.parse(body, this::ownListener, networks);
    } catch (JobAssignment.Refused r) {
      refusals.refused();
      log.info("jobs: " + r.getMessage());
      if (r.jobId() > 0) {
        ObjectNode e = JSON.createObjectNode().put("type", "error").put("message", r.getMessage());
        String role = body.path("role").asText("");
        if (role.equals("run") || role.equals("listen")) {
          e.put("role", role);
        }
        client.event(r.jobId(), e.toString());
      }
      return;
    }
    JobSide side =
        new JobSide(job, lookup.apply(job.spec().kind()), client::event, ticks, progressEvery, log)
            .whenFailed(refusals::refused);
    Side key = new Side(job.jobId(), job.listen());
    if (running.putIfAbsent(key, side) != null) {
      // the same side handed out again (fourteenth security review): the first one replaced in
      // the map was never cancelled and its helper outlived the agent. Ignored, with no event: an
      // error would end the side that runs
      log.info(
          "jobs: job "
              + job.jobId()
              + "'s "
              + (job.listen() ? "listen" : "run")
              + " side already runs here; the assignment handed out again is ignored");
      return;
    }
    try {
      sides.execute(
          () -> {
            try {
              side.run();
            } finally {
              running.remove(key, side);
              if (side.ranNormally()) {
                refusals.ranNormally();
              }
            }
          });
    } catch (RejectedExecutionException e) {
      running.remove(key, side);
      refusals.refused();
      client.event(
          job.jobId(),
          JSON.createObjectNode()
              .put("type", "error")
              .put("role", job.listen() ? "listen" : "run")
              .put("message", "agent busy: " + MAX_SIDES + " job sides running")
              .toString());
    }
  }

  /** Where this agent's listen side of {@code jobId} listens, or null (no such side here). */
  private Peer ownListener(long jobId) {
    JobSide s = running.get(new Side(jobId, true));
    return s == null ? null : s.listeningAt();
  }

  private void pause(Duration d) {
    synchronized (wake) {
      if (!stopping) {
        try {
          wake.wait(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopping = true;
        }
      }
    }
  }
}
