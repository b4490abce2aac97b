package dev.fabricscope.agent.bandwidth.cuda;

import com.sun.jna.ptr.IntByReference;
import dev.fabricscope.bandwidth.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPUs the driver shows, in PCI bus order: {@code gpu:N} is the N-th of them, as in the path
 * model ({@code Expectations.bdfOf}) and in CUDA's own order under {@code
 * CUDA_DEVICE_ORDER=PCI_BUS_ID}, whatever order the driver enumerates them in.
 */
public final class CudaDevices {

  /**
   * One GPU.
   *
   * @param device the driver's {@code CUdevice}
   * @param bdf PCI address as sysfs writes it ({@code 0000:3b:00.0})
   * @param name the driver's device name ({@code NVIDIA H200})
   */
  public record Gpu(int device, String bdf, String name) {}

  private static final Pattern BUS_ID =
      Pattern.compile("([0-9a-fA-F]{1,8}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

  private final List<Gpu> gpus;

  private CudaDevices(List<Gpu> gpus) {
    this.gpus = List.copyOf(gpus);
  }

  /** Asks the driver for every device. */
  public static CudaDevices of(CudaDriver d) throws CudaException {
    IntByReference count = new IntByReference();
    d.check(d.lib().cuDeviceGetCount(count), "cuDeviceGetCount");
    List<Gpu> out = new ArrayList<>();
    for (int i = 0; i < count.getValue(); i++) {
      IntByReference dev = new IntByReference();
      d.check(d.lib().cuDeviceGet(dev, i), "cuDeviceGet");
      byte[] bus = new byte[32];
      d.check(d.lib().cuDeviceGetPCIBusId(bus, bus.length, dev.getValue()), "cuDeviceGetPCIBusId");
      byte[] name = new byte[256];
      d.check(d.lib().cuDeviceGetName(name, name.length, dev.getValue()), "cuDeviceGetName");
      out.add(new Gpu(dev.getValue(), normalize(cString(bus)), cString(name)));
    }
    return new CudaDevices(sorted(out));
  }

  static List<Gpu> sorted(List<Gpu> gpus) {
    return gpus.stream().sorted(Comparator.comparing(Gpu::bdf)).toList();
  }

  /** For tests: a list as the driver would give it. */
  static CudaDevices of(List<Gpu> gpus) {
    return new CudaDevices(sorted(gpus));
  }

  /** The GPUs in bus order. */
  public List<Gpu> all() {
    return gpus;
  }

  /**
   * The GPU an endpoint names: {@code gpu:N} by bus order, a BDF by address.
   *
   * @throws CudaException naming the GPUs there are
   */
  public Gpu find(Endpoint e) throws CudaException {
    if (e.type() == Endpoint.Type.GPU) {
      int i = e.index();
      if (i < gpus.size()) {
        return gpus.get(i);
      }
    } else if (e.type() == Endpoint.Type.PCI) {
      for (Gpu g : gpus) {
        if (g.bdf().equals(e.name())) {
          return g;
        }
      }
    }
    throw new CudaException(e + " is not a GPU the CUDA driver shows here (" + endpoints() + ")");
  }

  /** {@code gpu:0 (0000:3b:00.0 NVIDIA H200)} for each GPU, as capabilities list them. */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < gpus.size(); i++) {
      out.add("gpu:" + i);
    }
    return out;
  }

  /**
   * A bus id as the driver writes it ({@code 00000000:3B:00.0}, domain of 4 or 8 digits, upper
   * case) in sysfs form ({@code 0000:3b:00.0}); the text unchanged when it is not a bus id.
   */
  public static String normalize(String busId) {
    Matcher m = BUS_ID.matcher(busId.strip());
    if (!m.matches()) {
      return busId;
    }
    long domain = Long.parseLong(m.group(1), 16);
    return String.format(Locale.ROOT, "%04x:%s:%s.%s", domain, m.group(2), m.group(3), m.group(4))
        .toLowerCase(Locale.ROOT);
  }

  static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8).strip();
  }
}
