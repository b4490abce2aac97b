package dev.fabricscope.agent.bandwidth.memory;

import dev.fabricscope.sysfs.SysfsRoot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The host memory that every bandwidth test of this agent shares: a test reserves its buffers
 * ({@link MemoryNeed}) before it allocates any and releases them when they are freed; a need that
 * does not fit is refused ({@link MemoryRefusedException}) and nothing is allocated. One object per
 * agent ({@link #shared()}): up to four job sides run at once, and each alone fitting is not
 * enough.
 *
 * <p>At each reservation the limits are read afresh ({@link HostMemory}, through a {@link
 * SysfsRoot}); in bytes, with {@code reserved} what running tests hold:
 *
 * <ul>
 *   <li>host: {@code reserved + need ≤ ⌊SHARE × min(max(0, cgroup free − heap growth),
 *       MemAvailable)⌋}, a term left out when unknown, no bound when both are;
 *   <li>each node the need binds buffers to: {@code reservedOnNode + needOnNode ≤ ⌊SHARE ×
 *       MemFree⌋}, no bound when the node's meminfo cannot be read (said in the refusal).
 * </ul>
 *
 * <p>{@link #SHARE} keeps half of what is free for everything else, as the check this replaces did.
 * Heap growth (maximum heap less committed heap) is taken from the cgroup's figure only: there the
 * heap's ceiling is a share of the same limit (the Helm chart's {@code MaxRAMPercentage=60}), so
 * the heap and the buffers must fit together; on the host the default ceiling is a quarter of RAM,
 * which the agent's heap of tens of MiB does not approach, and the share leaves room. Nor from a
 * node's: the heap lands on whichever node the kernel picks. Other JVM memory (metaspace, thread
 * stacks) has no ceiling to read; the share covers it.
 *
 * <p>Buffers a running test has allocated are in the fresh readings and in {@code reserved} too: a
 * second test meanwhile sees them twice. That errs on the safe side, and the server runs one test
 * per host at a time, so it costs only the rare concurrent side.
 */
public final class MemoryBudget {

  /** Share of the free memory a test's buffers may take, so a test never drives the host to OOM. */
  public static final double SHARE = 0.5;

  private static final MemoryBudget SHARED =
      new MemoryBudget(() -> SysfsRoot.of(Path.of("/")), MemoryBudget::heapGrowth);

  private final Supplier<SysfsRoot> root;
  private final LongSupplier heapGrowth;
  private long reserved;
  private final Map<Integer, Long> reservedOnNode = new HashMap<>();

  /**
   * @param root the tree the limits are read from ({@code /} on the agent's host)
   * @param heapGrowth bytes the JVM heap may still grow by
   */
  public MemoryBudget(Supplier<SysfsRoot> root, LongSupplier heapGrowth) {
    this.root = root;
    this.heapGrowth = heapGrowth;
  }

  /** The agent's one budget, over this host and this JVM. */
  public static MemoryBudget shared() {
    return SHARED;
  }

  /** Maximum heap less committed heap; 0 when the JVM has no maximum to read. */
  static long heapGrowth() {
    Runtime r = Runtime.getRuntime();
    long max = r.maxMemory();
    return max == Long.MAX_VALUE ? 0 : Math.max(0, max - r.totalMemory());
  }

  /**
   * Reserves the need, or refuses it with a one-line reason; close the reservation once the buffers
   * are freed.
   */
  public synchronized Reservation reserve(MemoryNeed need) throws MemoryRefusedException {
    if (need.total() == 0) {
      return new Reservation(need);
    }
    HostMemory m = HostMemory.read(root.get(), need.bytesByNode().keySet());
    long growth = Math.max(0, heapGrowth.getAsLong());
    String refusal = refusal(m, growth, need);
    if (refusal != null) {
      throw new MemoryRefusedException(refusal);
    }
    reserved += need.total();
    need.bytesByNode().forEach((n, b) -> reservedOnNode.merge(n, b, Long::sum));
    return new Reservation(need);
  }

  /** Bytes the running tests hold now. */
  public synchronized long reservedBytes() {
    return reserved;
  }

  /** What the host bound lets all tests together take; {@link Long#MAX_VALUE}: no bound. */
  static long hostUsable(HostMemory m, long growth) {
    long least = Long.MAX_VALUE;
    if (m.cgroup().known()) {
      least = Math.max(0, m.cgroup().freeBytes() - growth);
    }
    if (m.available().known()) {
      least = Math.min(least, m.available().freeBytes());
    }
    return least == Long.MAX_VALUE ? least : share(least);
  }

  private static long share(long bytes) {
    return (long) Math.floor(SHARE * bytes);
  }

  private synchronized void release(MemoryNeed need) {
    reserved -= need.total();
    need.bytesByNode().forEach((n, b) -> reservedOnNode.merge(n, -b, Long::sum));
  }

  private String refusal(HostMemory m, long growth, MemoryNeed need) {
    long host = hostUsable(m, growth);
    if (need.total() > host - reserved) {
      return need.what()
          + " needs "
          + MemoryBound.iecUp(need.total())
          + " of host memory, "
          + MemoryBound.iec(Math.max(0, host - reserved))
          + " available"
          + why(m, growth);
    }
    for (Map.Entry<Integer, Long> e : need.bytesByNode().entrySet()) {
      MemoryBound node = m.nodeFree().get(e.getKey());
      if (node == null || !node.known()) {
        continue;
      }
      long held = reservedOnNode.getOrDefault(e.getKey(), 0L);
      long usable = share(node.freeBytes());
      if (e.getValue() > usable - held) {
        return need.what()
            + " needs "
            + MemoryBound.iecUp(e.getValue())
            + " of host memory on numa:"
            + e.getKey()
            + ", "
            + MemoryBound.iec(Math.max(0, usable - held))
            + " available there"
            + why(m, growth);
      }
    }
    return null;
  }

  /** Every limit as read, skipped ones with why, and what the formula takes off. */
  private String why(HostMemory m, long growth) {
    List<String> parts = new ArrayList<>();
    parts.add(m.cgroup().detail());
    parts.add(m.available().detail());
    m.nodeFree().values().forEach(b -> parts.add(b.detail()));
    if (m.cgroup().known() && growth > 0) {
      parts.add("JVM heap may grow by " + MemoryBound.iec(growth));
    }
    parts.add("tests take at most " + Math.round(SHARE * 100) + " % of what is free");
    if (reserved > 0) {
      parts.add(MemoryBound.iec(reserved) + " held by tests running");
    }
    return " (" + String.join("; ", parts) + ")";
  }

  /** Buffers reserved for one test; {@link #close()} gives them back (once). */
  public final class Reservation implements AutoCloseable {
    private final MemoryNeed need;
    private boolean closed;

    private Reservation(MemoryNeed need) {
      this.need = need;
    }

    /** What is reserved. */
    public MemoryNeed need() {
      return need;
    }

    @Override
    public void close() {
      synchronized (MemoryBudget.this) {
        if (!closed) {
          closed = true;
          release(need);
        }
      }
    }
  }
}
