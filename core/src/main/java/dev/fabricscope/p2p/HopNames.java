package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names for the hops of a pair's path, so that a page or a person reads "GPU0 · Tesla V100 ·
 * 0000:34:00.0" or "switch downstream port · PEX 9797 · 0000:33:00.0" instead of bare bus
 * addresses. Matrix devices take the label of the {@code nvidia-smi topo -m} layout ({@link
 * SmiLayout}: GPU0, NIC1, NVME0) and the name the matrix gives them (the RDMA device, NVMe
 * controller or interface, else the pci.ids device name); ports take their PCIe role and pci.ids
 * name; host bridges are named by their root bus ({@code pci0000:16}) and the host's CPU
 * interconnect as such.
 */
public final class HopNames {

  /**
   * One hop, in the path's order.
   *
   * @param id the hop as {@link PairVerdict#hops()} has it: a BDF, a root bus ({@code pci0000:16})
   *     or {@code host}
   * @param label the matrix label (GPU0, NIC1, NVME0) of a matrix device, else null
   * @param name what the hop is: device name, port role and pci.ids name, "host bridge", "CPU
   *     interconnect"; never null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Hop(String id, String label, String name) {}

  private final Map<String, PciFunction> functions = new HashMap<>();
  private final Map<String, String> labels = new HashMap<>();
  private final Map<String, String> deviceNames = new HashMap<>();

  /** Names for the hops of paths in {@code analyzer}'s report. */
  public HopNames(P2pAnalyzer analyzer) {
    this(analyzer, SmiLayout.of(analyzer));
  }

  /** Names with the labels of {@code layout}, the analyzer's own layout already built. */
  public HopNames(P2pAnalyzer analyzer, SmiLayout layout) {
    analyzer.fabric().report().pci().forEach(f -> functions.put(f.bdf(), f));
    List<Device> devices = analyzer.devices();
    for (SmiLayout.Row row : layout.rows()) {
      Device d = devices.get(row.device());
      // a software RDMA device shares its NIC's BDF: the function keeps the hardware's name
      if (d.rdma() == null) {
        labels.put(d.bdf(), row.label());
        deviceNames.put(d.bdf(), d.name());
      }
    }
  }

  /** The named hops of {@code hops} ({@link PairVerdict#hops()}), in the same order. */
  public List<Hop> of(List<String> hops) {
    List<Hop> out = new ArrayList<>(hops.size());
    for (String id : hops) {
      out.add(hop(id));
    }
    return out;
  }

  private Hop hop(String id) {
    PciFunction f = functions.get(id);
    if (f == null) {
      // Paths names the meeting point "host" when no host bridge is known, else the root bus
      return new Hop(id, null, "host".equals(id) ? "CPU interconnect" : "host bridge");
    }
    List<String> parts = new ArrayList<>(2);
    String role = role(f.portType());
    if (role != null) {
      parts.add(role);
    }
    String name = deviceNames.getOrDefault(id, f.deviceName());
    if (name != null && !name.equals(id)) {
      parts.add(name);
    } else if (f.vendorName() != null) {
      // pci.ids knows the vendor but not the device (PLX 10b5:9781 on the DGX-2): as lspci says it
      parts.add(f.vendorName() + " Device " + hex(f.deviceId()));
    } else {
      parts.add("Device " + hex(f.vendorId()) + ":" + hex(f.deviceId()));
    }
    return new Hop(id, labels.get(id), String.join(" · ", parts));
  }

  private static String hex(String id) {
    return id != null && id.startsWith("0x") ? id.substring(2) : String.valueOf(id);
  }

  private static String role(PortType t) {
    if (t == null) {
      return null;
    }
    return switch (t) {
      case ROOT_PORT -> "root port";
      case SWITCH_UPSTREAM -> "switch upstream port";
      case SWITCH_DOWNSTREAM -> "switch downstream port";
      case PCI_BRIDGE -> "PCI bridge";
      default -> null;
    };
  }
}
