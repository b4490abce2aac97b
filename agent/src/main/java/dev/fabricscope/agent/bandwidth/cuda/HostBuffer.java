package dev.fabricscope.agent.bandwidth.cuda;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.host.FabricscopeNative;
import dev.fabricscope.agent.bandwidth.host.NumaNodes;
import dev.fabricscope.agent.bandwidth.memory.MemoryNeed;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;

/**
 * Host memory for a GPU copy, on the source NUMA node: mapped and bound with our C library ({@code
 * mbind}, every page touched there), then page-locked for the driver with {@code cuMemHostRegister}
 * when pinned. Registering memory we placed ourselves makes the node certain, where {@code
 * cuMemHostAlloc} leaves placement to the driver. Without our library the buffer is plain {@code
 * malloc} memory and says so. {@link #need} is what a copy kind allocates here, for the agent's
 * memory budget; {@link #bindThread} puts the copying thread on the buffers' node.
 */
final class HostBuffer implements AutoCloseable {

  /** {@code CU_MEMHOSTREGISTER_PORTABLE}: pinned for every context, as cuMemHostAlloc's default. */
  static final int REGISTER_PORTABLE = 1;

  final Pointer pointer;
  final long bytes;
  final String placement;
  private final boolean mapped;
  private final CudaDriver driver;
  private boolean registered;

  private HostBuffer(Pointer p, long bytes, boolean mapped, String placement, CudaDriver d) {
    this.pointer = p;
    this.bytes = bytes;
    this.mapped = mapped;
    this.placement = placement;
    this.driver = d;
  }

  /** A buffer on the node, pinned or pageable. */
  static HostBuffer on(CudaDriver d, int node, long bytes, boolean pinned) throws CudaException {
    HostBuffer b;
    FabricscopeNative.Lib lib = null;
    try {
      lib = FabricscopeNative.lib();
    } catch (IllegalStateException | LinkageError e) {
      // placement then is the kernel's choice; said in placement
    }
    if (lib != null) {
      IntByReference bound = new IntByReference();
      byte[] err = new byte[FabricscopeNative.ERR_LEN];
      Pointer p = lib.fsn_alloc_on_node(bytes, node, bound, err, err.length);
      if (p == null) {
        throw new CudaException(
            "host buffer on numa:" + node + ": " + FabricscopeNative.message(err));
      }
      int at = lib.fsn_node_of(p);
      b =
          new HostBuffer(
              p,
              bytes,
              true,
              bound.getValue() == 1
                  ? "bound to numa:" + node + " (page found on " + at + ")"
                  : "no NUMA in this kernel",
              d);
    } else {
      Memory m = new Memory(bytes);
      m.setMemory(0, bytes, (byte) 0x5a);
      b = new HostBuffer(m, bytes, false, "malloc, not NUMA-bound (our library is absent)", d);
    }
    if (pinned) {
      int rc = d.lib().cuMemHostRegister_v2(b.pointer, bytes, REGISTER_PORTABLE);
      if (rc != CudaDriver.SUCCESS) {
        b.close();
        d.check(rc, "cuMemHostRegister");
      }
      b.registered = true;
    }
    return b;
  }

  @Override
  public void close() {
    if (registered) {
      driver.lib().cuMemHostUnregister(pointer);
      registered = false;
    }
    if (mapped) {
      FabricscopeNative.lib().fsn_free(pointer, bytes);
    } else if (pointer instanceof Memory m) {
      m.close();
    }
  }

  /**
   * The host buffers the kind allocates on its host node: one of {@code bytes} for H2D and D2H, two
   * for bidirectional copies (pinned or pageable alike: pinning locks the same pages), none for
   * copies between GPUs.
   */
  static MemoryNeed need(BandwidthSpec spec) {
    BandwidthKind k = spec.kind();
    MemoryNeed need = MemoryNeed.of(k.json());
    int buffers =
        switch (k) {
          case GPU_H2D, GPU_D2H -> 1;
          case GPU_BIDIR -> 2;
          default -> 0;
        };
    if (buffers == 0) {
      return need;
    }
    Endpoint host = k == BandwidthKind.GPU_D2H ? spec.target() : spec.source();
    return need.on(host.index(), buffers * spec.bytes());
  }

  /** Binds this thread to the node's CPUs and memory; returns a note for the raw output. */
  static String bindThread(int node) throws HelperException {
    NumaNodes nodes = NumaNodes.live();
    NumaNodes.Node n =
        nodes
            .node(node)
            .orElseThrow(
                () ->
                    new HelperException(
                        "numa:"
                            + node
                            + " is not a NUMA node of this host ("
                            + nodes.endpoints()
                            + ")"));
    try {
      byte[] err = new byte[FabricscopeNative.ERR_LEN];
      int rc =
          FabricscopeNative.lib().fsn_bind_thread(node, n.cpus(), n.cpus().length, err, err.length);
      if (rc < 0) {
        throw new HelperException(FabricscopeNative.message(err));
      }
      return rc == 1 ? "; thread bound to numa:" + node : "; kernel without NUMA";
    } catch (IllegalStateException | LinkageError e) {
      return "; thread not bound (" + FabricscopeNative.oneLine(e.getMessage()) + ")";
    }
  }
}
