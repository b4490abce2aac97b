package dev.fabricscope.bandwidth;

import dev.fabricscope.bandwidth.Endpoint.Type;
import java.util.EnumSet;
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
 */
public record BandwidthSpec(
    BandwidthKind kind,
    Endpoint source,
    Endpoint target,
    long bytes,
    int repetitions,
    Integer durationSeconds,
    int threads,
    boolean pageable) {

  public static final long MIN_BYTES = 4096;
  public static final long MAX_BYTES = 16L << 30;
  public static final int MAX_REPETITIONS = 1000;
  public static final int MAX_DURATION_SECONDS = 300;
  public static final int MAX_THREADS = 256;

  /** Default transfer size: 256 MiB, large enough to reach a link's plateau (gpu-probe figures). */
  public static final long DEFAULT_BYTES = 256L << 20;

  /** Default number of timed repetitions. */
  public static final int DEFAULT_REPETITIONS = 10;

  /**
   * A checked spec.
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
    return new BandwidthSpec(
        kind, source, target, bytes, repetitions, durationSeconds, threads, pageable);
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
    };
  }

  private static Set<Type> targetTypes(BandwidthKind kind) {
    return switch (kind) {
      case HOST_MEMCPY, GPU_D2H -> EnumSet.of(Type.NUMA);
      case GPU_H2D, GPU_BIDIR, GPU_D2D, GPU_P2P -> EnumSet.of(Type.GPU, Type.PCI);
      case RDMA_WRITE, RDMA_READ, RDMA_SEND -> EnumSet.of(Type.RDMA);
      case TCP -> EnumSet.of(Type.ADDRESS);
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
