package dev.fabricscope.agent.bandwidth;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The agent's {@link HelperContainment}, kept once a probe found a PID namespace, else probed again
 * after {@code every}: one failed start of {@code unshare} at the first probe (a transient fork
 * failure, a full PID table) must not leave every helper and child JVM on the weaker fallback for
 * the agent's whole life (nineteenth security review).
 */
final class ContainmentRedetection {

  private final Supplier<HelperContainment> probe;
  private final long everyNanos;
  private HelperContainment current;
  private long probedAt;

  ContainmentRedetection(Supplier<HelperContainment> probe, Duration every) {
    this.probe = probe;
    this.everyNanos = every.toNanos();
  }

  /** The mechanism at {@code nanoTime} ({@link System#nanoTime}), probing first when due. */
  synchronized HelperContainment get(long nanoTime) {
    if (current == null
        || (current.mode() != HelperContainment.Mode.PID_NAMESPACE
            && nanoTime - probedAt >= everyNanos)) {
      current = probe.get();
      probedAt = nanoTime;
    }
    return current;
  }
}
