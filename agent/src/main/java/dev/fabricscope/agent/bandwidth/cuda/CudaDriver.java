package dev.fabricscope.agent.bandwidth.cuda;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.FloatByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.List;

/**
 * The CUDA driver API ({@code libcuda.so.1}, installed with every NVIDIA driver; no toolkit
 * needed), bound with JNA. Only the calls a copy test needs, under their exported names: the {@code
 * _v2} symbols are what {@code cuda.h} maps the plain names to since CUDA 3.2 / 4.0 / 11.0. Handles
 * ({@code CUcontext}, {@code CUstream}, {@code CUevent}) are pointers, {@code CUdeviceptr} is a
 * 64-bit integer, {@code CUdevice} an int, {@code size_t} a long (64-bit hosts only).
 */
public final class CudaDriver {

  /** {@code CUDA_SUCCESS}. */
  public static final int SUCCESS = 0;

  /** {@code CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED}: enabling twice is no failure. */
  public static final int PEER_ACCESS_ALREADY_ENABLED = 704;

  /** {@code CU_STREAM_NON_BLOCKING}: no implicit sync with the legacy default stream. */
  public static final int STREAM_NON_BLOCKING = 1;

  /** The driver functions. */
  public interface Lib extends Library {
    int cuInit(int flags);

    int cuDriverGetVersion(IntByReference version);

    int cuGetErrorString(int error, PointerByReference str);

    int cuDeviceGetCount(IntByReference count);

    int cuDeviceGet(IntByReference device, int ordinal);

    int cuDeviceGetName(byte[] name, int len, int device);

    int cuDeviceGetPCIBusId(byte[] busId, int len, int device);

    int cuDeviceCanAccessPeer(IntByReference canAccess, int device, int peerDevice);

    int cuDevicePrimaryCtxRetain(PointerByReference ctx, int device);

    int cuDevicePrimaryCtxRelease_v2(int device);

    int cuCtxSetCurrent(Pointer ctx);

    int cuCtxEnablePeerAccess(Pointer peerCtx, int flags);

    int cuStreamCreate(PointerByReference stream, int flags);

    int cuStreamDestroy_v2(Pointer stream);

    int cuStreamWaitEvent(Pointer stream, Pointer event, int flags);

    int cuStreamSynchronize(Pointer stream);

    int cuEventCreate(PointerByReference event, int flags);

    int cuEventDestroy_v2(Pointer event);

    int cuEventRecord(Pointer event, Pointer stream);

    int cuEventSynchronize(Pointer event);

    int cuEventElapsedTime(FloatByReference millis, Pointer start, Pointer end);

    int cuMemAlloc_v2(LongByReference dptr, long bytes);

    int cuMemFree_v2(long dptr);

    int cuMemsetD8_v2(long dptr, byte value, long count);

    int cuMemHostRegister_v2(Pointer p, long bytes, int flags);

    int cuMemHostUnregister(Pointer p);

    int cuMemcpyHtoDAsync_v2(long dst, Pointer src, long bytes, Pointer stream);

    int cuMemcpyDtoHAsync_v2(Pointer dst, long src, long bytes, Pointer stream);

    int cuMemcpyDtoDAsync_v2(long dst, long src, long bytes, Pointer stream);

    int cuMemcpyPeerAsync(
        long dst, Pointer dstCtx, long src, Pointer srcCtx, long bytes, Pointer stream);
  }

  /**
   * Names tried in order: the plain name (what JNA finds where a toolkit or container set up {@code
   * libcuda.so}), then the versioned name every driver install has.
   */
  public static final List<String> LIBRARY_NAMES = List.of("cuda", "libcuda.so.1");

  private final Lib lib;

  private CudaDriver(Lib lib) {
    this.lib = lib;
  }

  /**
   * Loads the driver from the first name that loads and initialises it.
   *
   * @throws CudaException "no CUDA driver on this host" when no name loads, or cuInit's error
   */
  public static CudaDriver load(List<String> names) throws CudaException {
    if (Native.SIZE_T_SIZE != 8) {
      throw new CudaException("no CUDA driver on this host (32-bit JVM)");
    }
    Lib lib = null;
    for (String name : names) {
      try {
        lib =
            Native.load(
                name, Lib.class, dev.fabricscope.agent.isolation.ChildExit.DRIVER_LOAD_OPTIONS);
        break;
      } catch (UnsatisfiedLinkError e) {
        // try the next name
      }
    }
    if (lib == null) {
      throw new CudaException(
          "no CUDA driver on this host (" + String.join(", ", names) + " not found)");
    }
    CudaDriver d = new CudaDriver(lib);
    d.check(lib.cuInit(0), "cuInit");
    return d;
  }

  /** The functions. */
  public Lib lib() {
    return lib;
  }

  /** Driver API version ({@code 13000} for CUDA 13.0). */
  public int version() throws CudaException {
    IntByReference v = new IntByReference();
    check(lib.cuDriverGetVersion(v), "cuDriverGetVersion");
    return v.getValue();
  }

  /** Throws with the driver's own error text when {@code rc} is not success. */
  public void check(int rc, String call) throws CudaException {
    if (rc != SUCCESS) {
      throw new CudaException(call + " failed: " + errorText(rc));
    }
  }

  /** {@code CUDA_ERROR_X (n)} text for an error code. */
  public String errorText(int rc) {
    PointerByReference s = new PointerByReference();
    if (lib.cuGetErrorString(rc, s) == SUCCESS && s.getValue() != null) {
      return s.getValue().getString(0) + " (" + rc + ")";
    }
    return "error " + rc;
  }
}
