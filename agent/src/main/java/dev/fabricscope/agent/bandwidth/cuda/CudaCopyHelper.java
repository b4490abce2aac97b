package dev.fabricscope.agent.bandwidth.cuda;

import com.sun.jna.Pointer;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.agent.bandwidth.host.FabricscopeNative;
import dev.fabricscope.agent.bandwidth.memory.MemoryBudget;
import dev.fabricscope.agent.isolation.IsolatedCall;
import dev.fabricscope.agent.isolation.IsolatedMain;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * GPU copies through the CUDA driver API with JNA: the copy-engine tests nvbandwidth runs (H2D,
 * D2H, both at once, device to device, GPU to GPU peer), without nvbandwidth or a CUDA toolkit. The
 * test runs on a thread of its own, bound to the host node's CPUs and memory, which holds the
 * contexts; each repetition is timed by CUDA events. Host buffers are reserved in the agent's
 * {@link MemoryBudget} before the driver is even loaded, and given back once they are freed.
 *
 * <p>Where the copies run: the {@code run} service asks for them in a child JVM ({@link
 * #copyInChild}, {@link IsolatedCopy}), so that a driver hanging or crashing in a copy ends the
 * job, not the agent. The {@code bandwidth} command copies in its own process: it is the user's
 * one-shot command, which a hang or crash ends as it would end a child, and a user sees it (Ctrl-C
 * stops it). The driver is detected in a child JVM either way (the constructor without arguments).
 */
public final class CudaCopyHelper implements BandwidthHelper {

  private final List<String> libraryNames;
  private final MemoryBudget budget;
  // null: detected in this process (tests naming their own library, the isolated child itself)
  private volatile IsolatedCall detection;
  // null: copies run in this process (the bandwidth command, the isolated child itself)
  private volatile IsolatedCopy copies;

  /**
   * The helper over this host's driver, its host buffers reserved in the agent's one budget, the
   * driver detected in a child JVM ({@link IsolatedCall}): cuInit on a wedged or broken driver
   * hangs or crashes the process that calls it, which must not be the agent's.
   */
  public CudaCopyHelper() {
    this(CudaDriver.LIBRARY_NAMES, MemoryBudget.shared());
    this.detection =
        new IsolatedCall(IsolatedMain.CUDA, "the CUDA driver probe", IsolatedCall.DEFAULT_DEADLINE);
  }

  /**
   * Detects in a child JVM with this deadline ({@code run --driver-timeout}); a helper that detects
   * in-process keeps doing so.
   */
  public CudaCopyHelper detectWithin(java.time.Duration deadline) {
    if (detection != null) {
      detection = new IsolatedCall(IsolatedMain.CUDA, "the CUDA driver probe", deadline);
    }
    return this;
  }

  /**
   * Runs every copy test in a child JVM ({@link IsolatedCopy}) from now on, over the host's own
   * driver, its host buffers still reserved in this helper's budget first: what the {@code run}
   * service does, whose process must outlive a driver that hangs or crashes in a copy.
   */
  public CudaCopyHelper copyInChild() {
    copies = new IsolatedCopy(budget);
    return this;
  }

  /** The detection of the host's own driver, in this process: what the isolated child runs. */
  public static HelperCapability detectHere() {
    return new CudaCopyHelper(CudaDriver.LIBRARY_NAMES).detect();
  }

  /** Over the driver found under these names (tests: a name no host has). */
  public CudaCopyHelper(List<String> libraryNames) {
    this(libraryNames, MemoryBudget.shared());
  }

  /** Over the driver found under these names, with host buffers reserved in {@code budget}. */
  public CudaCopyHelper(List<String> libraryNames, MemoryBudget budget) {
    this.libraryNames = List.copyOf(libraryNames);
    this.budget = budget;
  }

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public boolean handles(BandwidthKind kind) {
    return kind.gpu();
  }

  @Override
  public HelperCapability detect() {
    IsolatedCall isolated = detection;
    if (isolated != null) {
      return IsolatedCudaDetection.capability(isolated.call());
    }
    try {
      CudaDriver d = CudaDriver.load(libraryNames);
      int v = d.version();
      CudaDevices gpus = CudaDevices.of(d);
      StringBuilder detail = new StringBuilder("CUDA driver API");
      for (int i = 0; i < gpus.all().size(); i++) {
        CudaDevices.Gpu g = gpus.all().get(i);
        detail.append(i == 0 ? ": " : ", ").append("gpu:").append(i).append(' ');
        detail.append(g.bdf()).append(' ').append(g.name());
      }
      return new HelperCapability(
          name(), !gpus.all().isEmpty(), version(v), gpus.endpoints(), detail.toString());
    } catch (CudaException | LinkageError e) {
      return HelperCapability.absent(name(), FabricscopeNative.oneLine(e.getMessage()));
    }
  }

  static String version(int v) {
    return String.format(Locale.ROOT, "%d.%d", v / 1000, v % 1000 / 10);
  }

  @Override
  public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel)
      throws HelperException {
    if (!spec.kind().gpu()) {
      throw new HelperException(name() + " does not run " + spec.kind().json());
    }
    IsolatedCopy isolated = copies;
    if (isolated != null) {
      return isolated.run(spec, cancel);
    }
    // before any driver call: a refused test must not even load the driver
    MemoryBudget.Reservation held = budget.reserve(HostBuffer.need(spec));
    CudaDriver d;
    try {
      d = CudaDriver.load(libraryNames);
    } catch (CudaException | LinkageError e) {
      held.close();
      throw new HelperException(
          spec.kind().json() + ": " + FabricscopeNative.oneLine(e.getMessage()));
    }
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              // released by the thread that frees the buffers, even after run() gave up waiting
              try (held) {
                outcome.set(measure(d, spec, cancel));
              } catch (CudaException | HelperException | RuntimeException e) {
                outcome.set(e);
              }
            },
            "bandwidth-cuda");
    t.setDaemon(true);
    try {
      t.start();
    } catch (RuntimeException | OutOfMemoryError e) {
      held.close();
      throw e;
    }
    try {
      // The thread checks the deadline between repetitions; one copy of at most 16 GiB is seconds.
      t.join(cancel.remainingMillis() + 30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel.cancel();
      throw new HelperException("interrupted");
    }
    Object o = outcome.get();
    if (o instanceof Measurement m) {
      return m;
    }
    if (o instanceof Exception e) {
      throw new HelperException(
          spec.kind().json() + ": " + FabricscopeNative.oneLine(e.getMessage()));
    }
    cancel.cancel();
    throw new HelperException(spec.kind().json() + ": the CUDA driver did not return in time");
  }

  private Measurement measure(CudaDriver d, BandwidthSpec spec, Cancellation cancel)
      throws CudaException, HelperException {
    CudaDevices gpus = CudaDevices.of(d);
    BandwidthKind k = spec.kind();
    Endpoint hostEnd = k == BandwidthKind.GPU_D2H ? spec.target() : spec.source();
    CudaDevices.Gpu gpu =
        gpus.find(
            k == BandwidthKind.GPU_H2D || k == BandwidthKind.GPU_BIDIR
                ? spec.target()
                : spec.source());
    String bound = "";
    if (hostEnd.type() == Endpoint.Type.NUMA) {
      bound = HostBuffer.bindThread(hostEnd.index());
    }
    long n = spec.bytes();
    try (CudaCopies c = new CudaCopies(d)) {
      Pointer ctx = c.context(gpu.device());
      Pointer s1 = c.stream();
      List<Double> gbps;
      String what;
      switch (k) {
        case GPU_H2D, GPU_D2H -> {
          HostBuffer h = c.hostBuffer(hostEnd.index(), n, !spec.pageable());
          long dev = c.deviceBuffer(n);
          CudaDriver.Lib cu = d.lib();
          CudaCopies.Copy copy =
              k == BandwidthKind.GPU_H2D
                  ? () ->
                      d.check(cu.cuMemcpyHtoDAsync_v2(dev, h.pointer, n, s1), "cuMemcpyHtoDAsync")
                  : () ->
                      d.check(cu.cuMemcpyDtoHAsync_v2(h.pointer, dev, n, s1), "cuMemcpyDtoHAsync");
          gbps = c.time(s1, copy, n, spec.repetitions(), cancel);
          what = (spec.pageable() ? "pageable" : "pinned") + " host memory " + h.placement;
        }
        case GPU_BIDIR -> {
          HostBuffer up = c.hostBuffer(hostEnd.index(), n, !spec.pageable());
          HostBuffer down = c.hostBuffer(hostEnd.index(), n, !spec.pageable());
          long d1 = c.deviceBuffer(n);
          long d2 = c.deviceBuffer(n);
          Pointer s2 = c.stream();
          Pointer fork = c.event();
          Pointer join = c.event();
          CudaDriver.Lib cu = d.lib();
          CudaCopies.Copy copy =
              () -> {
                c.order(fork, s1, s2);
                d.check(cu.cuMemcpyHtoDAsync_v2(d1, up.pointer, n, s1), "cuMemcpyHtoDAsync");
                d.check(cu.cuMemcpyDtoHAsync_v2(down.pointer, d2, n, s2), "cuMemcpyDtoHAsync");
                c.order(join, s2, s1);
              };
          gbps = c.time(s1, copy, 2 * n, spec.repetitions(), cancel);
          what = "both directions on two streams, summed; host memory " + up.placement;
        }
        case GPU_D2D -> {
          if (!gpus.find(spec.target()).equals(gpu)) {
            throw new HelperException("gpu-d2d copies within one GPU; gpu-p2p copies between two");
          }
          long a = c.deviceBuffer(n);
          long b = c.deviceBuffer(n);
          CudaCopies.Copy copy =
              () -> d.check(d.lib().cuMemcpyDtoDAsync_v2(b, a, n, s1), "cuMemcpyDtoDAsync");
          gbps = c.time(s1, copy, n, spec.repetitions(), cancel);
          what = "within " + gpu.bdf() + ", bytes counted once";
        }
        case GPU_P2P -> {
          CudaDevices.Gpu other = gpus.find(spec.target());
          if (other.equals(gpu)) {
            throw new HelperException(
                "gpu-p2p needs two GPUs; " + spec.source() + " and " + spec.target() + " are one");
          }
          gbps = c.peer(ctx, s1, gpu, other, spec, cancel);
          what = "peer copy " + gpu.bdf() + " -> " + other.bdf();
        }
        default -> throw new HelperException(name() + " does not run " + k.json());
      }
      String raw =
          String.format(
              Locale.ROOT,
              "CUDA driver %s, %s %s (%s) -> %s: %d bytes, %d warm-up + %d timed copies, %s%s;"
                  + " GB/s %s",
              version(d.version()),
              k.json(),
              spec.source(),
              gpu.name(),
              spec.target(),
              n,
              CudaCopies.WARM_UPS,
              spec.repetitions(),
              what,
              bound,
              gbps);
      return new Measurement(gbps, "cuda-driver " + version(d.version()), raw);
    }
  }
}
