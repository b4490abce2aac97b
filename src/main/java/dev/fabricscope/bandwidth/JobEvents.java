package dev.fabricscope.bandwidth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.Outcome;
import dev.fabricscope.inventory.BandwidthJobStore.Role;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import dev.fabricscope.security.ApiException;
import java.time.Instant;
import java.util.Locale;

/**
 * An agent's event on a job, applied: the host must play the side the event is about (the role the
 * event names, else the listener for {@code listening} and the run for the rest), that side must
 * have been handed to it, and the job must still be active. An event on a job that is over answers
 * {@link JobOver} (409 with {@code cancelled} and {@code state}), which tells the agent to stop its
 * helper.
 */
final class JobEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BandwidthJobs owner;
  private final BandwidthJobStore jobs;

  JobEvents(BandwidthJobs owner) {
    this.owner = owner;
    this.jobs = owner.store();
  }

  Job apply(String host, long id, AgentEvent e) {
    Job j =
        jobs.job(id)
            .filter(x -> x.involves(host))
            .orElseThrow(
                () -> ApiException.notFound("no bandwidth test " + id + " for host " + host));
    Role role =
        e.role() != null
            ? e.role()
            : e.type() == AgentEvent.Type.LISTENING ? Role.LISTEN : Role.RUN;
    boolean plays =
        role == Role.RUN
            ? j.sourceHost().equals(host)
            : j.spec().kind().twoSided() && j.targetHost().equals(host);
    String side = role.name().toLowerCase(Locale.ROOT);
    if (!plays) {
      throw JsonFields.unprocessable(
          "host " + host + " plays no " + side + " side in bandwidth test " + id);
    }
    if (j.state().terminal()) {
      throw new JobOver(j);
    }
    if ((role == Role.RUN ? j.sourceTaken() : j.targetTaken()) == null) {
      throw new ApiException(
          409,
          "Not handed out",
          "the " + side + " side of test " + id + " is not " + host + "'s yet");
    }
    Instant now = Instant.now();
    return switch (e.type()) {
      case STARTED, PROGRESS -> {
        owner.changed(j, e.type().name().toLowerCase(Locale.ROOT), e.message());
        yield j;
      }
      case LISTENING -> {
        if (role != Role.LISTEN) {
          throw JsonFields.unprocessable("listening is an event of the listen side");
        }
        if (j.state() != State.QUEUED) {
          throw conflict(id, "is not waiting for a listener"); // before any report is read
        }
        ListenerAddress.check(j, e.listener());
        // the target's GIDs only for an RDMA listener that names one, read once per snapshot
        boolean gidToHold =
            e.listener().gid() != null && j.spec().target().type() == Endpoint.Type.RDMA;
        ListenerAddress.checkGid(
            j, e.listener(), gidToHold ? owner.listenerGids.of(j.targetHost()) : null);
        Instant deadline = now.plus(owner.settings().runTimeout(j.spec()));
        if (!jobs.listening(id, e.listener(), deadline)) {
          throw conflict(id, "is not waiting for a listener");
        }
        Job n = reload(id);
        owner.changed(n, "listening", null);
        yield n;
      }
      case RESULT -> {
        if (role != Role.RUN || j.state() != State.RUNNING) {
          throw JsonFields.unprocessable("a result comes from the run side of a running test");
        }
        int flows = j.spec().flows().size();
        if (flows > 1
            ? e.flowSamples() == null || e.flowSamples().size() != flows
            : e.flowSamples() != null) {
          throw JsonFields.unprocessable(
              flows > 1
                  ? "flowSamples: one list per flow, " + flows + " for this test"
                  : "flowSamples: only for a test with concurrent flows");
        }
        BandwidthResult r = owner.verdicts().result(j, e.samples(), e.flowSamples(), e.helper());
        yield finish(
            id,
            new Outcome(
                JobVerdicts.state(r.verdict()),
                r.measuredGBps(),
                r.expectedGBps(),
                r.verdict().json(),
                json(r),
                e.rawOutput(),
                null),
            now);
      }
      case ERROR ->
          finish(
              id,
              Outcome.of(
                  State.ERROR,
                  host + " (" + side + "): " + (e.message() == null ? "error" : e.message())),
              now);
      case CANCELLED ->
          finish(
              id,
              Outcome.of(
                  State.CANCELLED,
                  "cancelled on " + host + (e.message() == null ? "" : ": " + e.message())),
              now);
    };
  }

  private Job finish(long id, Outcome outcome, Instant now) {
    if (!jobs.finish(id, outcome, now)) {
      throw conflict(id, "changed meanwhile");
    }
    Job done = reload(id);
    owner.changed(done, "finished", null);
    return done;
  }

  /** A job that ended meanwhile is a {@link JobOver}; any other conflict a plain 409. */
  private RuntimeException conflict(long id, String what) {
    Job now = reload(id);
    return now.state().terminal()
        ? new JobOver(now)
        : new ApiException(409, "Conflict", "bandwidth test " + id + " " + what);
  }

  private Job reload(long id) {
    return jobs.job(id).orElseThrow(() -> ApiException.notFound("no bandwidth test " + id));
  }

  static String json(BandwidthResult r) {
    try {
      return JSON.writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
