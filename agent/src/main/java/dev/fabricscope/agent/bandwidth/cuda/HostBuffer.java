package dev.fabricscope.agent.bandwidth.cuda;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.fabricscope.agent.bandwidth.host.FabricscopeNative;

/**
 * Host memory for a GPU copy, on the source NUMA node: mapped and bound with our C library ({@code
 * mbind}, every page touched there), then page-locked for the driver with {@code cuMemHostRegister}
 * when pinned. Registering memory we placed ourselves makes the node certain, where {@code
 * cuMemHostAlloc} leaves placement to the driver. Without our library the buffer is plain {@code
 * malloc} memory and says so.
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
}
