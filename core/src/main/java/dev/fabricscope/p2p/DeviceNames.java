package dev.fabricscope.p2p;

import dev.fabricscope.text.TerminalText;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every name a user may give for a device, resolved to the device: the labels {@code topo} prints
 * ({@code GPU0}, {@code NIC1}, {@code NVME0}, from {@link SmiLayout}, so both use one numbering),
 * BDFs in the spellings of sysfs, lspci and nvidia-smi, RDMA device names ({@code mlx5_0}, {@code
 * rxe0}), network interfaces ({@code eth0}, {@code ib0}), NVMe controllers and namespaces ({@code
 * nvme0}, {@code nvme0n1}) and hwloc's OS device names for GPUs ({@code nvml0}, {@code cuda0}).
 * hwloc's OpenFabrics, Network and Storage OS devices carry the kernel's names, listed above.
 */
public final class DeviceNames {

  /** A name that matches no device, or more than one: the message says what is accepted. */
  public static final class UnknownNameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownNameException(String message) {
      super(message);
    }
  }

  static final String ACCEPTED =
      "a BDF (0000:07:00.0, 07:00.0), a topo label (GPU0, NIC0), an RDMA device (mlx5_0), a"
          + " network interface (eth0), an NVMe controller (nvme0) or an hwloc OS device name"
          + " (nvml0, cuda0, opencl0d0, nvme0n1)";

  private static final Pattern NAMESPACE = Pattern.compile("(nvme\\d+)n\\d+");
  private static final Pattern OPENCL = Pattern.compile("opencl\\d{1,6}d(\\d{1,6})");
  private static final int LISTED = 24;

  private final P2pAnalyzer analyzer;
  private final SmiLayout layout;
  private final List<Device> devices;
  private final Map<String, Device> functions = new HashMap<>();
  private final Map<String, Device> softwareRdma = new HashMap<>();
  // name → the devices it names; more than one means ambiguous
  private final Map<String, List<Device>> names = new LinkedHashMap<>();
  // names that exist on the host but cannot be tied to one device from the report, and why
  private final Map<String, String> undecidable = new LinkedHashMap<>();
  // GPUs in OpenCL device order, when that order is PCI bus order
  private final List<Device> openclGpus = new ArrayList<>();
  private boolean openclDecidable;

  private DeviceNames(P2pAnalyzer analyzer) {
    this.analyzer = analyzer;
    this.devices = analyzer.devices();
    for (Device d : devices) {
      // maps, not scans: a host may have thousands of functions and interfaces
      if (d.rdma() == null) {
        functions.put(d.bdf(), d);
      } else {
        softwareRdma.put(d.rdma(), d);
      }
    }
    this.layout = SmiLayout.of(analyzer.fabric().report(), devices);
    index();
  }

  /** The names of an analyzer's host. */
  public static DeviceNames of(P2pAnalyzer analyzer) {
    return new DeviceNames(analyzer);
  }

  /** The analyzer of the host these names are of. */
  public P2pAnalyzer analyzer() {
    return analyzer;
  }

  /** The layout whose labels these names use. */
  public SmiLayout layout() {
    return layout;
  }

  /** The label {@code topo} prints for a device (GPU0, NIC1, NVME0); null for other functions. */
  public String label(Device d) {
    for (SmiLayout.Row r : layout.rows()) {
      if (devices.get(r.device()).key().equals(d.key())) {
        return r.label();
      }
    }
    return null;
  }

  /** The matrix devices, in the order {@link SmiLayout.Row#device()} indexes. */
  public List<Device> devices() {
    return devices;
  }

  /**
   * The device {@code name} names.
   *
   * @throws UnknownNameException when it names none or several; the message is one line
   */
  public Device resolve(String name) {
    String n = name == null ? "" : name.trim();
    if (undecidable.containsKey(n)) {
      throw new UnknownNameException("'" + shown(n) + "' is ambiguous: " + undecidable.get(n));
    }
    List<Device> found = names.get(n);
    if (found == null) {
      found = names.get(n.toUpperCase(Locale.ROOT)); // labels: gpu0 is GPU0
    }
    if (found == null) {
      Matcher ns = NAMESPACE.matcher(n);
      found = ns.matches() ? names.get(ns.group(1)) : null; // hwloc's block device nvme0n1
    }
    Matcher cl = OPENCL.matcher(n);
    if (found == null && cl.matches()) {
      if (!openclDecidable) {
        throw new UnknownNameException(
            "'"
                + shown(n)
                + "' is ambiguous: OpenCL numbers each vendor's GPUs on its own platform and"
                + " this host has GPUs of several vendors or models; give GPU# or nvml#");
      }
      int i = Integer.parseInt(cl.group(1));
      found = i < openclGpus.size() ? List.of(openclGpus.get(i)) : null;
    }
    if (found == null && Bdf.normalize(n) != null) {
      found = byBdf(n);
    }
    if (found == null || found.isEmpty()) {
      throw new UnknownNameException(
          "no device '" + shown(n) + "': give " + ACCEPTED + "; this host has " + known());
    }
    if (found.size() > 1) {
      List<String> which = found.stream().map(Device::key).toList();
      throw new UnknownNameException(
          "'"
              + shown(n)
              + "' is ambiguous: it names "
              + String.join(", ", which)
              + "; give "
              + ACCEPTED);
    }
    return found.get(0);
  }

  /**
   * The name as a message repeats it: one line, at most 80 characters (the tenth review's {@code
   * explain} echoed a 100,000-character name whole).
   */
  private static String shown(String name) {
    return TerminalText.oneLine(name, 80);
  }

  private List<Device> byBdf(String text) {
    String bdf = Bdf.normalize(text);
    if (!Bdf.shortForm(text)) {
      Device d = on(bdf);
      return d == null ? null : List.of(d);
    }
    // lspci's form has no domain: it may match a function in any domain
    String tail = bdf.substring(bdf.indexOf(':'));
    List<Device> out = new ArrayList<>();
    for (var f : analyzer.fabric().report().pci()) {
      if (f.bdf().endsWith(tail)) {
        out.add(on(f.bdf()));
      }
    }
    return out;
  }

  private void index() {
    Report r = analyzer.fabric().report();
    int gpus = 0;
    boolean oneModel = true;
    String model = null;
    for (SmiLayout.Row row : layout.rows()) {
      Device d = devices.get(row.device());
      add(row.label(), d);
      if (row.label().startsWith("GPU")) {
        // hwloc names GPUs by NVML index (PCI bus order, like GPU#) and by CUDA index
        add("nvml" + gpus, d);
        String id = analyzer.fabric().function(d.bdf()).deviceId();
        oneModel &= model == null || model.equals(id);
        model = id;
        gpus++;
      }
    }
    // CUDA's default order (FASTEST_FIRST) is bus order only among equal GPUs; otherwise cudaN
    // depends on CUDA_DEVICE_ORDER, which the report does not know. hwloc's openclPdD is device D
    // of OpenCL platform P; NVIDIA's platform numbers its GPUs like CUDA, and P (which platform
    // is NVIDIA's) does not matter as long as no other GPU could be on another platform.
    openclDecidable =
        oneModel && layout.rows().stream().noneMatch(x -> x.label().startsWith("ACC"));
    for (SmiLayout.Row row : layout.rows()) {
      if (row.label().startsWith("GPU")) {
        String idx = row.label().substring(3);
        if (oneModel) {
          add("cuda" + idx, devices.get(row.device()));
        } else {
          undecidable.put(
              "cuda" + idx,
              "the GPUs differ in model, so CUDA's numbering depends on CUDA_DEVICE_ORDER; give"
                  + " nvml"
                  + idx
                  + " or GPU"
                  + idx
                  + " for the GPU in PCI bus order");
        }
        openclGpus.add(devices.get(row.device()));
      }
    }
    for (RdmaDevice d : r.rdma()) {
      add(
          d.name(),
          d.provider() == RdmaDevice.Provider.SOFTWARE ? software(d) : on(d.pciFunction()));
    }
    for (NetInterface n : r.net()) {
      add(n.name(), on(n.pciFunction()));
    }
    for (NvmeController n : r.nvme()) {
      add(n.name(), on(n.pciFunction()));
    }
  }

  private Device software(RdmaDevice d) {
    Device x = softwareRdma.get(d.name());
    return x != null ? x : on(d.pciFunction());
  }

  /** The matrix entry of a function, or the function itself when it is no matrix device. */
  private Device on(String bdf) {
    if (bdf == null) {
      return null;
    }
    Device x = functions.get(bdf);
    return x != null ? x : analyzer.find(bdf);
  }

  /** Records that {@code name} names {@code d}; two devices under one name make it ambiguous. */
  private void add(String name, Device d) {
    if (name == null || d == null) {
      return;
    }
    List<Device> list = names.computeIfAbsent(name, k -> new ArrayList<>());
    if (list.stream().noneMatch(x -> x.key().equals(d.key()))) {
      list.add(d);
    }
  }

  private String known() {
    List<String> usable =
        names.entrySet().stream()
            .filter(e -> e.getValue().size() == 1)
            .map(Map.Entry::getKey)
            .toList();
    if (usable.isEmpty()) {
      return "no named devices (give a BDF)";
    }
    String shown = String.join(", ", usable.subList(0, Math.min(LISTED, usable.size())));
    return shown + (usable.size() > LISTED ? ", … (" + usable.size() + " names)" : "");
  }
}
