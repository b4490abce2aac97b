package dev.fabricscope.agent.nvml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.List;

/**
 * NVML ({@code libnvidia-ml.so.1}, installed with every NVIDIA driver), bound with JNA: only the
 * calls the agent makes, under their exported names ({@code _v2}/{@code _v3} are what nvml.h maps
 * the plain names to). A {@code nvmlDevice_t} is an opaque pointer; {@code unsigned int} and enums
 * are 32-bit; the structs are read from raw memory at nvml.h's offsets ({@link PciInfo}).
 */
public interface NvmlLibrary extends Library {

  /**
   * Names tried in order: the plain name (a toolkit or container that set up {@code
   * libnvidia-ml.so}), then the versioned name every driver install has.
   */
  List<String> NAMES = List.of("nvidia-ml", "libnvidia-ml.so.1");

  /** {@code NVML_SUCCESS}. */
  int SUCCESS = 0;

  /** {@code NVML_ERROR_NOT_SUPPORTED}. */
  int NOT_SUPPORTED = 3;

  /** {@code NVML_NVLINK_MAX_LINKS} (18 since Hopper). */
  int MAX_NVLINKS = 18;

  /** Loads the first name that loads, or null when none does. */
  static NvmlLibrary load(List<String> names) {
    for (String name : names) {
      try {
        return Native.load(
            name, NvmlLibrary.class, dev.fabricscope.agent.isolation.ChildExit.DRIVER_LOAD_OPTIONS);
      } catch (UnsatisfiedLinkError e) {
        // try the next name
      }
    }
    return null;
  }

  int nvmlInit_v2();

  int nvmlShutdown();

  String nvmlErrorString(int result);

  int nvmlSystemGetDriverVersion(byte[] version, int length);

  int nvmlSystemGetNVMLVersion(byte[] version, int length);

  int nvmlSystemGetCudaDriverVersion_v2(IntByReference version);

  int nvmlDeviceGetCount_v2(IntByReference count);

  int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

  int nvmlDeviceGetName(Pointer device, byte[] name, int length);

  int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

  int nvmlDeviceGetSerial(Pointer device, byte[] serial, int length);

  int nvmlDeviceGetBoardId(Pointer device, IntByReference boardId);

  int nvmlDeviceGetPciInfo_v3(Pointer device, byte[] pciInfo);

  int nvmlDeviceGetCudaComputeCapability(
      Pointer device, IntByReference major, IntByReference minor);

  int nvmlDeviceGetMemoryInfo(Pointer device, long[] totalFreeUsed);

  int nvmlDeviceGetCurrPcieLinkGeneration(Pointer device, IntByReference gen);

  int nvmlDeviceGetMaxPcieLinkGeneration(Pointer device, IntByReference gen);

  int nvmlDeviceGetGpuMaxPcieLinkGeneration(Pointer device, IntByReference gen);

  int nvmlDeviceGetCurrPcieLinkWidth(Pointer device, IntByReference width);

  int nvmlDeviceGetMaxPcieLinkWidth(Pointer device, IntByReference width);

  int nvmlDeviceGetPcieReplayCounter(Pointer device, IntByReference count);

  int nvmlDeviceGetNumaNodeId(Pointer device, IntByReference node);

  int nvmlDeviceGetVirtualizationMode(Pointer device, IntByReference mode);

  int nvmlDeviceGetMigMode(Pointer device, IntByReference current, IntByReference pending);

  int nvmlDeviceGetNvLinkState(Pointer device, int link, IntByReference active);

  int nvmlDeviceGetNvLinkVersion(Pointer device, int link, IntByReference version);

  int nvmlDeviceGetNvLinkRemotePciInfo_v2(Pointer device, int link, byte[] pciInfo);

  int nvmlDeviceGetNvLinkRemoteDeviceType(Pointer device, int link, IntByReference type);

  int nvmlDeviceGetP2PStatus(Pointer a, Pointer b, int capsIndex, IntByReference status);

  int nvmlDeviceGetTopologyCommonAncestor(Pointer a, Pointer b, IntByReference level);
}
