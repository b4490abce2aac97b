package dev.fabricscope.agent.nvml;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.fabricscope.topology.NvmlGpu;
import dev.fabricscope.topology.NvmlLink;
import dev.fabricscope.topology.NvmlPeer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Reads every GPU's NVML answers once: the library is loaded when first asked (never at class
 * load), initialised, read, and shut down. An absent library, a driver that is not loaded or a host
 * without NVIDIA GPUs is an {@link NvmlSnapshot#absent} answer, never an exception; a single query
 * NVML does not support leaves that field null.
 */
public final class NvmlReader {

  private static final int TEXT = 96; // NVML_DEVICE_NAME_V2_BUFFER_SIZE, enough for every string
  private static final String[] VIRTUALIZATION = {
    "none", "pass-through", "vgpu", "host-vgpu", "host-vsga"
  };
  private static final String[] REMOTE_TYPE = {"gpu", "ibmnpu", "nvswitch"};
  private static final String[] P2P_STATUS = {
    "ok",
    "chipset-not-supported",
    "gpu-not-supported",
    "ioh-topology-not-supported",
    "disabled-by-regkey",
    "not-supported",
    "unknown"
  };

  private final List<String> names;

  /** Reads through the library names NVML is installed under. */
  public NvmlReader() {
    this(NvmlLibrary.NAMES);
  }

  NvmlReader(List<String> names) {
    this.names = List.copyOf(names);
  }

  /** Loads NVML and reads every GPU; absent (with the reason) when it cannot. */
  public NvmlSnapshot read() {
    NvmlLibrary lib;
    try {
      lib = NvmlLibrary.load(names);
    } catch (RuntimeException | LinkageError e) {
      return NvmlSnapshot.absent("libnvidia-ml could not be loaded: " + e.getMessage());
    }
    if (lib == null) {
      return NvmlSnapshot.absent("libnvidia-ml not found (" + String.join(", ", names) + ")");
    }
    int rc = lib.nvmlInit_v2();
    if (rc != NvmlLibrary.SUCCESS) {
      return NvmlSnapshot.absent("nvmlInit: " + lib.nvmlErrorString(rc));
    }
    try {
      return new Session(lib).read();
    } finally {
      lib.nvmlShutdown();
    }
  }

  /** One initialised NVML session. */
  private static final class Session {
    private final NvmlLibrary lib;

    Session(NvmlLibrary lib) {
      this.lib = lib;
    }

    NvmlSnapshot read() {
      IntByReference count = new IntByReference();
      int rc = lib.nvmlDeviceGetCount_v2(count);
      if (rc != NvmlLibrary.SUCCESS) {
        return NvmlSnapshot.absent("nvmlDeviceGetCount: " + lib.nvmlErrorString(rc));
      }
      if (count.getValue() == 0) {
        return NvmlSnapshot.absent("no NVIDIA GPU");
      }
      List<Pointer> handles = new ArrayList<>();
      List<String> bdfs = new ArrayList<>();
      for (int i = 0; i < count.getValue(); i++) {
        PointerByReference h = new PointerByReference();
        if (lib.nvmlDeviceGetHandleByIndex_v2(i, h) != NvmlLibrary.SUCCESS) {
          continue; // a GPU the driver cannot open (lost, no permission) is left out
        }
        byte[] pci = new byte[PciInfo.SIZE];
        String bdf =
            lib.nvmlDeviceGetPciInfo_v3(h.getValue(), pci) == NvmlLibrary.SUCCESS
                ? PciInfo.bdf(pci)
                : null;
        if (bdf != null) {
          handles.add(h.getValue());
          bdfs.add(bdf);
        }
      }
      String driver = text(b -> lib.nvmlSystemGetDriverVersion(b, b.length));
      String nvml = text(b -> lib.nvmlSystemGetNVMLVersion(b, b.length));
      Integer cuda = number(lib::nvmlSystemGetCudaDriverVersion_v2);
      Map<String, NvmlGpu> gpus = new LinkedHashMap<>();
      for (int i = 0; i < handles.size(); i++) {
        gpus.put(bdfs.get(i), gpu(handles, bdfs, i, driver, nvml, cuda));
      }
      return new NvmlSnapshot(gpus, null);
    }

    private NvmlGpu gpu(
        List<Pointer> handles, List<String> bdfs, int i, String driver, String nvml, Integer cuda) {
      Pointer d = handles.get(i);
      IntByReference major = new IntByReference();
      IntByReference minor = new IntByReference();
      String cc =
          lib.nvmlDeviceGetCudaComputeCapability(d, major, minor) == NvmlLibrary.SUCCESS
              ? major.getValue() + "." + minor.getValue()
              : null;
      long[] memory = new long[3];
      Long total = lib.nvmlDeviceGetMemoryInfo(d, memory) == NvmlLibrary.SUCCESS ? memory[0] : null;
      IntByReference migNow = new IntByReference();
      IntByReference migNext = new IntByReference();
      boolean mig = lib.nvmlDeviceGetMigMode(d, migNow, migNext) == NvmlLibrary.SUCCESS;
      Integer virt = number(r -> lib.nvmlDeviceGetVirtualizationMode(d, r));
      Integer board = number(r -> lib.nvmlDeviceGetBoardId(d, r));
      Integer replays = number(r -> lib.nvmlDeviceGetPcieReplayCounter(d, r));
      return new NvmlGpu(
          text(b -> lib.nvmlDeviceGetName(d, b, b.length)),
          text(b -> lib.nvmlDeviceGetUUID(d, b, b.length)),
          text(b -> lib.nvmlDeviceGetSerial(d, b, b.length)),
          board == null ? null : Integer.toUnsignedLong(board),
          cc,
          total,
          driver,
          nvml,
          cuda,
          number(r -> lib.nvmlDeviceGetCurrPcieLinkGeneration(d, r)),
          number(r -> lib.nvmlDeviceGetMaxPcieLinkGeneration(d, r)),
          number(r -> lib.nvmlDeviceGetGpuMaxPcieLinkGeneration(d, r)),
          number(r -> lib.nvmlDeviceGetCurrPcieLinkWidth(d, r)),
          number(r -> lib.nvmlDeviceGetMaxPcieLinkWidth(d, r)),
          replays == null ? null : Integer.toUnsignedLong(replays),
          number(r -> lib.nvmlDeviceGetNumaNodeId(d, r)),
          virt == null ? null : name(VIRTUALIZATION, virt),
          mig ? migNow.getValue() == 1 : null,
          mig ? migNext.getValue() == 1 : null,
          links(d),
          peers(handles, bdfs, i));
    }

    private List<NvmlLink> links(Pointer d) {
      List<NvmlLink> out = new ArrayList<>();
      for (int link = 0; link < NvmlLibrary.MAX_NVLINKS; link++) {
        int l = link;
        Integer state = number(r -> lib.nvmlDeviceGetNvLinkState(d, l, r));
        if (state == null) {
          continue; // no such link on this GPU ("Not Supported"), as nvidia-smi leaves it out
        }
        byte[] pci = new byte[PciInfo.SIZE];
        String remote =
            lib.nvmlDeviceGetNvLinkRemotePciInfo_v2(d, l, pci) == NvmlLibrary.SUCCESS
                ? PciInfo.bdf(pci)
                : null;
        Integer type = number(r -> lib.nvmlDeviceGetNvLinkRemoteDeviceType(d, l, r));
        out.add(
            new NvmlLink(
                link,
                state == 1,
                number(r -> lib.nvmlDeviceGetNvLinkVersion(d, l, r)),
                remote,
                type == null ? null : type == 255 ? "unknown" : name(REMOTE_TYPE, type)));
      }
      return out;
    }

    private List<NvmlPeer> peers(List<Pointer> handles, List<String> bdfs, int i) {
      List<NvmlPeer> out = new ArrayList<>();
      Pointer a = handles.get(i);
      for (int j = 0; j < handles.size(); j++) {
        if (j == i) {
          continue;
        }
        Pointer b = handles.get(j);
        Integer level = number(r -> lib.nvmlDeviceGetTopologyCommonAncestor(a, b, r));
        out.add(
            new NvmlPeer(
                bdfs.get(j),
                p2p(a, b, 0),
                p2p(a, b, 1),
                p2p(a, b, 2),
                p2p(a, b, 3),
                level == null ? null : ancestor(level)));
      }
      return out;
    }

    /** {@code nvmlGpuP2PCapsIndex_t}: 0 read, 1 write, 2 NVLink, 3 atomics. */
    private String p2p(Pointer a, Pointer b, int caps) {
      Integer s = number(r -> lib.nvmlDeviceGetP2PStatus(a, b, caps, r));
      return s == null ? null : name(P2P_STATUS, s);
    }

    private Integer number(ToIntFunction<IntByReference> call) {
      IntByReference r = new IntByReference();
      return call.applyAsInt(r) == NvmlLibrary.SUCCESS ? r.getValue() : null;
    }

    private String text(ToIntFunction<byte[]> call) {
      byte[] b = new byte[TEXT];
      return call.applyAsInt(b) == NvmlLibrary.SUCCESS ? PciInfo.cString(b, 0, b.length) : null;
    }
  }

  /** {@code nvmlGpuTopologyLevel_t}: 0, 10, 20, 30, 40, 50. */
  static String ancestor(int level) {
    return switch (level) {
      case 0 -> "internal";
      case 10 -> "single";
      case 20 -> "multiple";
      case 30 -> "hostbridge";
      case 40 -> "node";
      case 50 -> "system";
      default -> null;
    };
  }

  private static String name(String[] names, int value) {
    return value >= 0 && value < names.length ? names[value] : "unknown";
  }
}
