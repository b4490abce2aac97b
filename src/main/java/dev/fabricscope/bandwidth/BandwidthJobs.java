package dev.fabricscope.bandwidth;

import static dev.fabricscope.bandwidth.JsonFields.unprocessable;

import dev.fabricscope.cluster.ClusterBus;
import dev.fabricscope.cluster.ClusterNotice;
import dev.fabricscope.events.HostEvents;
import dev.fabricscope.inventory.AgentCapabilityStore;
import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.inventory.BandwidthJobStore.Assignment;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.NewJob;
import dev.fabricscope.inventory.BandwidthJobStore.Outcome;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.plans.MemoryCapacities;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The bandwidth-test jobs of this server: queueing checked tests, handing their sides to polling
 * agents, the two-host handshake (listener first, then the run with the listener's address), the
 * verdict on the source's result, cancel and time-outs. Every change is published to the host
 * streams of both hosts ({@link HostEvents}, type {@code bandwidth}) and wakes the long polls of
 * both hosts ({@link JobWaiters}), here and, through {@link ClusterBus}, on the other server
 * replicas. Blocking (database): call it off the event loop.
 */
@ApplicationScoped
public class BandwidthJobs {

  @Inject BandwidthJobStore jobs;
  @Inject AgentCapabilityStore capabilities;
  @Inject InventoryStore inventory;
  @Inject HostEvents events;
  @Inject BandwidthSettings settings;
  @Inject ClusterBus cluster;
  @Inject MemoryCapacities memory;
  @Inject Access access;
  @Inject CreationRate creationRate;
  @Inject ListenerGids listenerGids;

  final JobWaiters waiters = new JobWaiters();
  private JobVerdicts verdicts;
  private QueuedEndpoints endpoints;

  @PostConstruct
  void init() {
    endpoints = new QueuedEndpoints(inventory);
    verdicts =
        new JobVerdicts(
            inventory,
            jobs,
            settings.efficiencies(),
            host -> memory.choose(host, null, null).options());
    // a revoked token's waiting poll must not wait for the next job to learn of it: every poll
    // checks its token again now (revocations are rare; the others go back to waiting)
    access.revocations().subscribe().with(id -> waiters.wakeAll());
  }

  /**
   * Queues a checked test: both hosts must be known to the inventory (422), able to run the kind
   * when their agent reported its helpers (422 naming the helper's reason), and have every endpoint
   * of the test in their latest report (422 naming what the report has, {@link QueuedEndpoints}).
   */
  public Job create(TestRequest r, Caller caller) {
    // checked before the insert, not with it: parallel requests of one caller may pass it together,
    // so the queue is bounded by this plus the requests in flight
    if (jobs.activeRequestedBy(caller.name()) >= settings.maxActivePerCaller()) {
      throw new ApiException(
          429,
          "Too many requests",
          caller.name()
              + " has "
              + settings.maxActivePerCaller()
              + " tests queued or running (fabricscope.bandwidth.max-active-per-caller); wait for"
              + " one to end or cancel one");
    }
    for (String host : List.of(r.sourceHost(), r.targetHost())) {
      if (inventory.host(host).isEmpty()) {
        throw unprocessable("unknown host '" + host + "': no report of it is stored");
      }
      Capabilities.check(host, r.spec().kind(), capabilities.capabilities(host));
    }
    endpoints.check(r);
    jobs.checkRoom(); // a 507 before a creation place is taken
    creationRate.take(caller);
    Instant now = Instant.now();
    Job j =
        jobs.create(
            new NewJob(
                r.spec(),
                r.sourceHost(),
                r.targetHost(),
                caller.name(),
                now,
                now.plus(settings.queueTimeout())));
    changed(j, "queued", null);
    return j;
  }

  /** A job, or 404. */
  public Job job(long id) {
    return jobs.job(id).orElseThrow(() -> ApiException.notFound("no bandwidth test " + id));
  }

  /** Cancels an active job (409 when it already ended). */
  public Job cancel(long id, Caller caller) {
    Job j = job(id);
    if (!jobs.finish(
        id, Outcome.of(State.CANCELLED, "cancelled by " + caller.name()), Instant.now())) {
      throw new ApiException(
          409, "Already over", "bandwidth test " + id + " is " + job(id).state().json());
    }
    Job done = job(id);
    changed(done, "finished", null);
    return done;
  }

  /** Hands the host's next job side to its agent, if any. */
  public Optional<JobView.Assignment> take(String host) {
    Instant now = Instant.now();
    Optional<Assignment> a =
        jobs.take(
            host,
            now,
            new BandwidthJobStore.Deadlines() {
              @Override
              public Instant listenReady(Job job, Instant t) {
                return t.plus(settings.listenTimeout());
              }

              @Override
              public Instant run(Job job, Instant t) {
                return t.plus(settings.runTimeout(job.spec()));
              }
            });
    return a.map(
        x -> {
          boolean listen = x.role() == BandwidthJobStore.Role.LISTEN;
          Instant deadline =
              listen
                  // the listener serves the run too: its own time covers both phases
                  ? x.job().deadline().plus(settings.runTimeout(x.job().spec()))
                  : x.job().deadline();
          changed(x.job(), "taken", null);
          return JobView.Assignment.of(x.job(), listen, deadline, now);
        });
  }

  /** A future completed when the host may have new work (see {@link JobWaiters}). */
  CompletableFuture<Void> waitFor(String host) {
    return waiters.register(host);
  }

  void stopWaiting(String host, CompletableFuture<Void> f) {
    waiters.remove(host, f);
  }

  /**
   * A place for a waiting poll of {@code host} ({@link JobWaiters#take}).
   *
   * @param gone whether the poll's client went away
   * @throws ApiException 429 with {@code Retry-After} when the host's polls hold every place
   */
  JobWaiters.Place pollPlace(String host, BooleanSupplier gone) {
    int max = settings.maxPollsPerHost();
    JobWaiters.Place p = waiters.take(host, max, gone);
    if (p == null) {
      throw new ApiException(
          429,
          "Too many requests",
          host
              + " has "
              + max
              + " job polls waiting (fabricscope.bandwidth.max-polls-per-host); an agent polls"
              + " one at a time",
          // a poll whose client went away gives its place back by its next recheck at the latest
          Math.max(1, settings.pollRecheck().toSeconds()));
    }
    return p;
  }

  /** Places the polls of {@code host} hold now; for tests. */
  int pollPlaces(String host) {
    return waiters.places(host);
  }

  /** Acts on an agent's event; see {@link JobEvents}. */
  public Job event(String host, long id, AgentEvent e) {
    return new JobEvents(this).apply(host, id, e);
  }

  /** Times out jobs past their deadline (the sweeper calls this every second). */
  public int expire() {
    List<BandwidthJobStore.Expired> expired = jobs.expire(Instant.now());
    for (BandwidthJobStore.Expired x : expired) {
      changed(x.job(), "finished", null);
    }
    return expired.size();
  }

  /** At start: jobs agents had taken from the previous run time out ("server restarted"). */
  public int abandonTaken() {
    List<Job> abandoned = jobs.abandonTaken(Instant.now(), "server restarted");
    abandoned.forEach(j -> changed(j, "finished", null));
    return abandoned.size();
  }

  BandwidthJobStore store() {
    return jobs;
  }

  JobVerdicts verdicts() {
    return verdicts;
  }

  BandwidthSettings settings() {
    return settings;
  }

  /**
   * Publishes a change to both hosts' streams; wakes both hosts' polls when it may give them work
   * (a job queued, a listener ready, a job over and its hosts free).
   */
  void changed(Job j, String phase, String message) {
    String text = message != null ? message : j.state().terminal() ? j.message() : null;
    List<HostEvents.BandwidthChanged> published = new java.util.ArrayList<>(2);
    for (String host :
        j.sourceHost().equals(j.targetHost())
            ? List.of(j.sourceHost())
            : List.of(j.sourceHost(), j.targetHost())) {
      published.add(
          new HostEvents.BandwidthChanged(
              "bandwidth",
              host,
              j.id(),
              j.spec().kind().json(),
              j.state().json(),
              phase,
              j.sourceHost(),
              j.spec().source().toString(),
              j.targetHost(),
              j.spec().target().toString(),
              j.measuredGBps(),
              j.expectedGBps(),
              j.verdict(),
              text));
    }
    published.forEach(events::bandwidth);
    boolean work = phase.equals("queued") || phase.equals("listening") || phase.equals("finished");
    if (work) {
      waiters.wake(j.sourceHost(), j.targetHost());
    }
    // the other replicas' streams, and their polls of these hosts
    cluster.jobChanged(
        published, work ? List.of(j.sourceHost(), j.targetHost()) : List.<String>of());
  }

  /** Another replica changed a test: wake this replica's polls of its hosts. */
  void onRemote(@Observes ClusterNotice.JobChanged n) {
    waiters.wake(n.wake().toArray(String[]::new));
  }

  /** Notices may have been lost: every waiting poll asks the database again. */
  void onRemote(@Observes ClusterNotice.Resync n) {
    waiters.wakeAll();
  }
}
