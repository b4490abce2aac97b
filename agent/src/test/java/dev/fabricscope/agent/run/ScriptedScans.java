package dev.fabricscope.agent.run;

import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A scanner whose n-th scan takes a chosen virtual time ({@link VirtualClock#scanFor}) and reports
 * a chosen version, or fails. Records when each scan started and ended and how many ran at once.
 */
final class ScriptedScans implements Supplier<Report> {

  /**
   * What the n-th scan does.
   *
   * @param nanos how long it takes
   * @param version the version it reports; negative: it fails
   */
  record Step(long nanos, int version) {}

  /** A scan that ran: its virtual start and end and the version it reported (-1 failed). */
  record Ran(long start, long end, int version) {}

  private final VirtualClock clock;
  private final IntFunction<Step> script;
  private final AtomicInteger active = new AtomicInteger();
  private final List<Ran> ran = new ArrayList<>();
  private final List<Long> started = new ArrayList<>();
  private int calls;
  private int maxActive;

  ScriptedScans(VirtualClock clock, IntFunction<Step> script) {
    this.clock = clock;
    this.script = script;
  }

  @Override
  public Report get() {
    int now = active.incrementAndGet();
    Step step;
    long start = clock.nanoTime();
    synchronized (this) {
      maxActive = Math.max(maxActive, now);
      started.add(start);
      step = script.apply(calls++);
    }
    try {
      clock.scanFor(step.nanos());
    } finally {
      active.decrementAndGet();
      synchronized (this) {
        ran.add(new Ran(start, clock.nanoTime(), step.version()));
      }
    }
    if (step.version() < 0) {
      throw new IllegalStateException("device gone mid-scan (scripted)");
    }
    return ScriptedServer.report(step.version());
  }

  /** When each scan started, ended or not. */
  synchronized List<Long> started() {
    return List.copyOf(started);
  }

  /** The scans that ended. */
  synchronized List<Ran> ran() {
    return List.copyOf(ran);
  }

  synchronized int maxActive() {
    return maxActive;
  }
}
