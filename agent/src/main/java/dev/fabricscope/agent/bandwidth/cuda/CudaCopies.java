package dev.fabricscope.agent.bandwidth.cuda;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.FloatByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The driver resources of one copy test (contexts, buffers, streams, events), freed in reverse
 * order by {@link #close()}, and the timing loop: warm-up copies, then each repetition bracketed by
 * two events on the copy's stream and timed by {@code cuEventElapsedTime}, as PyTorch's and
 * nvbandwidth's copy-engine tests do. All calls run on the thread that made the context current.
 */
final class CudaCopies implements AutoCloseable {

  /** Untimed copies first (driver and IOMMU warm-up), as {@code bw_torch.py} does. */
  static final int WARM_UPS = 3;

  /** One enqueued copy (or pair of copies); it must leave all its work ordered on the stream. */
  @FunctionalInterface
  interface Copy {
    void enqueue() throws CudaException;
  }

  private interface Cleanup {
    void run();
  }

  private final CudaDriver d;
  private final CudaDriver.Lib cu;
  private final Deque<Cleanup> cleanups = new ArrayDeque<>();

  CudaCopies(CudaDriver d) {
    this.d = d;
    this.cu = d.lib();
  }

  /** Retains the GPU's primary context and makes it current on this thread. */
  Pointer context(int device) throws CudaException {
    PointerByReference ctx = new PointerByReference();
    d.check(cu.cuDevicePrimaryCtxRetain(ctx, device), "cuDevicePrimaryCtxRetain");
    cleanups.push(() -> cu.cuDevicePrimaryCtxRelease_v2(device));
    current(ctx.getValue());
    return ctx.getValue();
  }

  void current(Pointer ctx) throws CudaException {
    d.check(cu.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
  }

  /** Device memory in the current context, every byte written once so no page is untouched. */
  long deviceBuffer(long bytes) throws CudaException {
    LongByReference p = new LongByReference();
    d.check(cu.cuMemAlloc_v2(p, bytes), "cuMemAlloc (" + bytes + " bytes)");
    long ptr = p.getValue();
    cleanups.push(() -> cu.cuMemFree_v2(ptr));
    d.check(cu.cuMemsetD8_v2(ptr, (byte) 0x3c, bytes), "cuMemsetD8");
    return ptr;
  }

  /** Host memory on a NUMA node, pinned or pageable. */
  HostBuffer hostBuffer(int node, long bytes, boolean pinned) throws CudaException {
    HostBuffer b = HostBuffer.on(d, node, bytes, pinned);
    cleanups.push(b::close);
    return b;
  }

  Pointer stream() throws CudaException {
    PointerByReference s = new PointerByReference();
    d.check(cu.cuStreamCreate(s, CudaDriver.STREAM_NON_BLOCKING), "cuStreamCreate");
    Pointer p = s.getValue();
    cleanups.push(() -> cu.cuStreamDestroy_v2(p));
    return p;
  }

  Pointer event() throws CudaException {
    PointerByReference e = new PointerByReference();
    d.check(cu.cuEventCreate(e, 0), "cuEventCreate");
    Pointer p = e.getValue();
    cleanups.push(() -> cu.cuEventDestroy_v2(p));
    return p;
  }

  /**
   * Lets {@code waiter} go on only after what is enqueued on {@code on} so far (a fork or join of
   * two streams), through the event {@code e}.
   */
  void order(Pointer e, Pointer on, Pointer waiter) throws CudaException {
    d.check(cu.cuEventRecord(e, on), "cuEventRecord");
    d.check(cu.cuStreamWaitEvent(waiter, e, 0), "cuStreamWaitEvent");
  }

  /**
   * Times the copy: {@link #WARM_UPS} untimed, then {@code reps} timed ones.
   *
   * @param bytesMoved bytes one copy moves (both directions summed for a bidirectional one)
   * @return GB/s (10^9 bytes per second) per repetition
   * @throws CudaException a failed call, or "cancelled" / "deadline passed" between repetitions
   */
  List<Double> time(Pointer stream, Copy copy, long bytesMoved, int reps, Cancellation cancel)
      throws CudaException {
    for (int i = 0; i < WARM_UPS; i++) {
      copy.enqueue();
    }
    d.check(cu.cuStreamSynchronize(stream), "cuStreamSynchronize");
    Pointer start = event();
    Pointer end = event();
    FloatByReference ms = new FloatByReference();
    List<Double> gbps = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      if (cancel.stop()) {
        throw new CudaException(cancel.cancelled() ? "cancelled" : "deadline passed");
      }
      d.check(cu.cuEventRecord(start, stream), "cuEventRecord");
      copy.enqueue();
      d.check(cu.cuEventRecord(end, stream), "cuEventRecord");
      d.check(cu.cuEventSynchronize(end), "cuEventSynchronize");
      d.check(cu.cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
      if (ms.getValue() <= 0) {
        throw new CudaException("cuEventElapsedTime gave " + ms.getValue() + " ms");
      }
      gbps.add(bytesMoved / (ms.getValue() / 1e3) / 1e9);
    }
    return gbps;
  }

  /**
   * Times peer copies from {@code src} to {@code dst}: both directions of peer access must be
   * allowed by the driver; a buffer on each GPU, access enabled both ways, the copy enqueued on
   * {@code stream} in the source's context ({@code srcCtx}, current on this thread).
   */
  List<Double> peer(
      Pointer srcCtx,
      Pointer stream,
      CudaDevices.Gpu src,
      CudaDevices.Gpu dst,
      BandwidthSpec spec,
      Cancellation cancel)
      throws CudaException {
    IntByReference can = new IntByReference();
    d.check(cu.cuDeviceCanAccessPeer(can, src.device(), dst.device()), "cuDeviceCanAccessPeer");
    IntByReference back = new IntByReference();
    d.check(cu.cuDeviceCanAccessPeer(back, dst.device(), src.device()), "cuDeviceCanAccessPeer");
    if (can.getValue() == 0 || back.getValue() == 0) {
      throw new CudaException(
          spec.source()
              + " and "
              + spec.target()
              + ": the driver allows no peer access between them");
    }
    long n = spec.bytes();
    long a = deviceBuffer(n);
    Pointer dstCtx = context(dst.device());
    long b = deviceBuffer(n);
    enablePeer(dstCtx, srcCtx);
    current(srcCtx);
    enablePeer(srcCtx, dstCtx);
    return time(
        stream,
        () -> d.check(cu.cuMemcpyPeerAsync(b, dstCtx, a, srcCtx, n, stream), "cuMemcpyPeerAsync"),
        n,
        spec.repetitions(),
        cancel);
  }

  /** Enables access from the current context ({@code self}) to {@code peer}'s memory. */
  private void enablePeer(Pointer self, Pointer peer) throws CudaException {
    int rc = cu.cuCtxEnablePeerAccess(peer, 0);
    if (rc != CudaDriver.SUCCESS && rc != CudaDriver.PEER_ACCESS_ALREADY_ENABLED) {
      d.check(rc, "cuCtxEnablePeerAccess");
    }
  }

  @Override
  public void close() {
    while (!cleanups.isEmpty()) {
      cleanups.pop().run();
    }
  }
}
