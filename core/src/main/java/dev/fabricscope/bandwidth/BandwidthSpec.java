package dev.fabricscope.bandwidth;

import dev.fabricscope.bandwidth.Endpoint.Type;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One bandwidth test as asked for, already checked: the kind, its two ends, how much to move and
 * how often. Built only through {@link #of}, which refuses anything outside the documented ranges
 * or an endpoint that does not fit the kind, so a spec that exists can be turned into helper
 * arguments without further checks.
 *
 * @param kind what is measured
 * @param source where the data comes from
 * @param target where it goes
 * @param bytes bytes per transfer (buffer size), {@value #MIN_BYTES} to {@value #MAX_BYTES}
 * @param repetitions timed transfers, 1 to {@value #MAX_REPETITIONS} (the result is their median)
 * @param durationSeconds for streaming helpers (iperf3, perftest {@code -D}) the run time in
 *     seconds, 1 to {@value #MAX_DURATION_SECONDS}; null means repetitions decide
 * @param threads copy threads for host-memcpy, 1 to {@value #MAX_THREADS}; 1 for other kinds
 * @param pageable for GPU copies from or to host memory: pageable ({@code malloc}) host buffers
 *     instead of pinned ones ({@code cuMemHostAlloc}); false for other kinds
 * @param concurrent more flows of the same kind on the same host that run at the same time as the
 *     test's own (source, target), all started together; at most {@value #MAX_FLOWS} flows in all,
 *     only for kinds that {@link BandwidthKind#concurrentFlows() take them}; empty for one flow
 */
public record BandwidthSpec(
    BandwidthKind kind,
    Endpoint source,
    Endpoint target,
    long bytes,
    int repetitions,
    Integer durationSeconds,
    int threads,
    boolean pageable,
    List<BandwidthFlow> concurrent) {

  /** Most flows of one test, its own included. */
  public static final int MAX_FLOWS = 16;

  public static final long MIN_BYTES = 4096;
  public static final long MAX_BYTES = 16L << 30;
  public static final int MAX_REPETITIONS = 1000;
  public static final int MAX_DURATION_SECONDS = 300;
  public static final int MAX_THREADS = 256;

  /** Default transfer size: 256 MiB, large enough to reach a link's plateau (gpu-probe figures). */
  public static final long DEFAULT_BYTES = 256L << 20;

  /** Default number of timed repetitions. */
  public static final int DEFAULT_REPETITIONS = 10;

  public BandwidthSpec {
    concurrent = concurrent == null ? List.of() : List.copyOf(concurrent);
  }

  /**
   * A checked spec of one flow.
   *
   * @throws IllegalArgumentException with a one-line reason naming the field
   */
  public static BandwidthSpec of(
      BandwidthKind kind,
      Endpoint source,
      Endpoint target,
      long bytes,
      int repetitions,
      Integer durationSeconds,
      int threads,
      boolean pageable) {
    return of(kind, source, target, bytes, repetitions, durationSeconds, threads, pageable, null);
  }

  /**
   * A checked spec with concurrent flows (null or empty: one flow).
   *
   * @throws IllegalArgumentException with a one-line reason naming the field
   */
  public static BandwidthSpec of(
      BandwidthKind kind,
      Endpoint source,
      Endpoint target,
      long bytes,
      int repetitions,
      Integer durationSeconds,
      int threads,
      boolean pageable,
      List<BandwidthFlow> concurrent) {
    if (kind == null) {
      throw new IllegalArgumentException("kind: required, one of " + BandwidthKind.names());
    }
    if (source == null || target == null) {
      throw new IllegalArgumentException("source and target: both required");
    }
    if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "size: " + bytes + " bytes is outside " + MIN_BYTES + " to " + MAX_BYTES);
    }
    if (repetitions < 1 || repetitions > MAX_REPETITIONS) {
      throw new IllegalArgumentException(
          "repeat: " + repetitions + " is outside 1 to " + MAX_REPETITIONS);
    }
    if (durationSeconds != null
        && (durationSeconds < 1 || durationSeconds > MAX_DURATION_SECONDS)) {
      throw new IllegalArgumentException(
          "duration: " + durationSeconds + " s is outside 1 to " + MAX_DURATION_SECONDS);
    }
    if (threads < 1 || threads > MAX_THREADS) {
      throw new IllegalArgumentException("threads: " + threads + " is outside 1 to " + MAX_THREADS);
    }
    if (threads != 1 && kind != BandwidthKind.HOST_MEMCPY) {
      throw new IllegalArgumentException("threads: only host-memcpy uses more than one thread");
    }
    // the copy splits the buffer into cache lines per thread (membw.c fsn_copy): more threads than
    // 64-byte lines was bad input that failed only when run (fourteenth security review)
    if (threads > bytes / 64) {
      throw new IllegalArgumentException(
          "threads: "
              + threads
              + " is more than the "
              + bytes / 64
              + " cache lines of "
              + bytes
              + " bytes (one 64-byte line per thread at least)");
    }
    if (pageable
        && kind != BandwidthKind.GPU_H2D
        && kind != BandwidthKind.GPU_D2H
        && kind != BandwidthKind.GPU_BIDIR) {
      throw new IllegalArgumentException(
          "pageable: only gpu-h2d, gpu-d2h and gpu-bidir copy host memory");
    }
    check("source", kind, source, sourceTypes(kind));
    check("target", kind, target, targetTypes(kind));
    if (kind == BandwidthKind.GPU_P2P && source.equals(target)) {
      throw new IllegalArgumentException("gpu-p2p: source and target must be two GPUs");
    }
    List<BandwidthFlow> more = concurrent == null ? List.of() : concurrent;
    if (!more.isEmpty()) {
      if (!kind.concurrentFlows()) {
        throw new IllegalArgumentException(
            "concurrent: only nvme-read and host-memcpy run concurrent flows, not " + kind.json());
      }
      if (threads != 1) {
        throw new IllegalArgumentException(
            "threads: concurrent flows copy or read with one thread each, not " + threads);
      }
      if (more.size() + 1 > MAX_FLOWS) {
        throw new IllegalArgumentException(
            "concurrent: at most " + (MAX_FLOWS - 1) + " more flows (" + MAX_FLOWS + " in all)");
      }
      Set<Endpoint> sources = new HashSet<>();
      sources.add(source);
      for (int i = 0; i < more.size(); i++) {
        BandwidthFlow f = more.get(i);
        if (f == null || f.source() == null || f.target() == null) {
          throw new IllegalArgumentException("concurrent[" + i + "]: a source and a target");
        }
        check("concurrent[" + i + "].source", kind, f.source(), sourceTypes(kind));
        check("concurrent[" + i + "].target", kind, f.target(), targetTypes(kind));
        if (kind == BandwidthKind.NVME_READ && !sources.add(f.source())) {
          // two readers of one namespace share its queues: one device, not two flows to predict
          throw new IllegalArgumentException(
              "concurrent[" + i + "].source: " + f.source() + " is already read by another flow");
        }
      }
    }
    return new BandwidthSpec(
        kind, source, target, bytes, repetitions, durationSeconds, threads, pageable, more);
  }

  /** Every flow: the test's own first, then the concurrent ones. */
  public List<BandwidthFlow> flows() {
    List<BandwidthFlow> all = new ArrayList<>(concurrent.size() + 1);
    all.add(new BandwidthFlow(source, target));
    all.addAll(concurrent);
    return all;
  }

  private static void check(String field, BandwidthKind kind, Endpoint e, Set<Type> allowed) {
    if (!allowed.contains(e.type())) {
      throw new IllegalArgumentException(
          field + ": " + kind.json() + " takes " + describe(allowed) + ", not " + e);
    }
  }

  private static Set<Type> sourceTypes(BandwidthKind kind) {
    return switch (kind) {
      case HOST_MEMCPY, GPU_H2D -> EnumSet.of(Type.NUMA);
      case GPU_BIDIR -> EnumSet.of(Type.NUMA);
      case GPU_D2H, GPU_D2D, GPU_P2P -> EnumSet.of(Type.GPU, Type.PCI);
      case RDMA_WRITE, RDMA_READ, RDMA_SEND -> EnumSet.of(Type.RDMA);
      case TCP -> EnumSet.of(Type.ADDRESS, Type.NUMA);
      case NVME_READ -> EnumSet.of(Type.PCI);
    };
  }

  private static Set<Type> targetTypes(BandwidthKind kind) {
    return switch (kind) {
      case HOST_MEMCPY, GPU_D2H -> EnumSet.of(Type.NUMA);
      case GPU_H2D, GPU_BIDIR, GPU_D2D, GPU_P2P -> EnumSet.of(Type.GPU, Type.PCI);
      case RDMA_WRITE, RDMA_READ, RDMA_SEND -> EnumSet.of(Type.RDMA);
      case TCP -> EnumSet.of(Type.ADDRESS);
      case NVME_READ -> EnumSet.of(Type.NUMA);
    };
  }

  private static String describe(Set<Type> types) {
    StringBuilder b = new StringBuilder();
    for (Type t : types) {
      if (b.length() > 0) {
        b.append(" or ");
      }
      b.append(
          switch (t) {
            case NUMA -> "numa:N";
            case GPU -> "gpu:N";
            case PCI -> "a BDF";
            case RDMA -> "rdma:NAME[:PORT]";
            case ADDRESS -> "addr:IP";
          });
    }
    return b.toString();
  }
}
