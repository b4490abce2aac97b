package dev.fabricscope.limits;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A time limit on reading one input, checked at points the readers pass often: every file a sysfs
 * tree is read through, every chunk an archive, XML or JSON parser takes from its stream, every
 * line of lspci text and every hwloc or NCCL object. A thread without a deadline passes every check
 * for the cost of one thread-local read, so the agent's own discovery is unaffected.
 *
 * <p>Why cooperative: a thread cannot be stopped from outside, and an interrupt would close the
 * archive's file channels rather than end the parse; a deadline that freed the import slot while
 * the parse went on would let a caller hold every core. Here the reading thread itself throws
 * {@link ExceededException} at the next check, unwinding through the readers' {@code finally}
 * blocks (the unpack folder is removed), and only then gives its slot back. Between two checks lies
 * at most one line of lspci text (4,096 characters), one stream chunk or one file.
 *
 * <p>The ninth security review's finding 2 is the reason: a parse that took hours held an import
 * slot; the parsers are now linear, and this is the limit should another one not be.
 */
public final class ParseDeadline {

  private static final ThreadLocal<Bound> CURRENT = new ThreadLocal<>();
  private static final LongSupplier NANO_TIME = System::nanoTime;

  private ParseDeadline() {}

  /** The reading took longer than its limit; unchecked, so it passes through every reader. */
  public static final class ExceededException extends RuntimeException {
    private final transient Duration limit;

    ExceededException(Duration limit) {
      super("reading took longer than its limit of " + describe(limit), null, false, false);
      this.limit = limit;
    }

    /** The limit that was passed. */
    public Duration limit() {
      return limit;
    }
  }

  /** Work that reads one input. */
  @FunctionalInterface
  public interface Reading<T, E extends Exception> {
    T run() throws E;
  }

  private record Bound(long endNanos, Duration limit, LongSupplier clock) {
    boolean passed() {
      return clock.getAsLong() - endNanos >= 0;
    }
  }

  /**
   * Runs {@code reading} on this thread with at most {@code limit} to finish. An outer deadline
   * that ends sooner stays in force.
   *
   * @throws ExceededException from the first check after the limit has passed
   */
  public static <T, E extends Exception> T within(Duration limit, Reading<T, E> reading) throws E {
    return within(limit, NANO_TIME, reading);
  }

  /** As {@link #within(Duration, Reading)}, timed by {@code clock} (nanoseconds; for tests). */
  public static <T, E extends Exception> T within(
      Duration limit, LongSupplier clock, Reading<T, E> reading) throws E {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("a deadline needs a positive limit, not " + limit);
    }
    Bound outer = CURRENT.get();
    long nanos = limit.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE / 4 : limit.toNanos();
    Bound mine = new Bound(clock.getAsLong() + nanos, limit, clock);
    boolean outerFirst =
        outer != null && outer.clock == clock && outer.endNanos - mine.endNanos < 0;
    CURRENT.set(outerFirst ? outer : mine);
    try {
      return reading.run();
    } finally {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /** Whether this thread reads under a deadline. */
  public static boolean active() {
    return CURRENT.get() != null;
  }

  /**
   * Throws once this thread's deadline has passed; nothing when it has none.
   *
   * @throws ExceededException when the limit has passed
   */
  public static void check() {
    Bound b = CURRENT.get();
    if (b != null && b.passed()) {
      throw new ExceededException(b.limit);
    }
  }

  /**
   * Throws the {@link ExceededException} that {@code e} carries as a cause, for readers (the JDK's
   * XML parser) that wrap what their stream threw.
   */
  public static void rethrowIfPassed(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ExceededException x) {
        throw x;
      }
    }
  }

  /** {@code in}, checking the deadline before each read. */
  public static InputStream guard(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        check();
        return super.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        check();
        return super.read(b, off, len);
      }

      @Override
      public long skip(long n) throws IOException {
        check();
        return super.skip(n);
      }
    };
  }

  /** "30 s", "250 ms": a limit as people read it. */
  public static String describe(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 && ms > 0 ? ms / 1000 + " s" : ms > 0 ? ms + " ms" : d.toNanos() + " ns";
  }
}
