package dev.fabricscope.importer;

import static dev.fabricscope.importer.SafeXml.attr;
import static dev.fabricscope.importer.SafeXml.children;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Imports hwloc XML ({@code lstopo --of xml}, format v1.x, 2.x and 3.0; fixtures README
 * "hwloc-xml/"). Host bridges ({@code bridge_type="0-1"}) give {@code hostBridge}; PCI objects give
 * ids and class from {@code pci_type}, the parent from the enclosing bridge, and {@code
 * pci_link_speed} (GB/s per direction) as {@link PciLink#reportedGBps()} only. The NUMA node of a
 * device is the single node of the nodeset of the normal object its host bridge hangs below. OS
 * devices and NVLink distances are mapped by {@link HwlocOsDevices} and {@link HwlocNvLinks}.
 * {@code Package} objects ({@code Socket} before hwloc 1.11) give the host's packages: {@code
 * os_index} and cpuset, in document order (hwloc's logical order).
 *
 * <p>hwloc does not record ACS, port types, drivers or SR-IOV relations: those are unknown or
 * inferred (p2p-rules.md §3, §6.2), each with one diagnostic.
 */
public final class HwlocXmlImporter {

  /** Report {@code source}. */
  public static final String SOURCE = "hwloc-xml";

  private static final Pattern BUS_RANGE =
      Pattern.compile("([0-9a-fA-F]{4,8}):\\[([0-9a-fA-F]{2})-[0-9a-fA-F]{2}\\]");

  private final String file;
  private final boolean bitmaskOsdev;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final Map<String, Raw> raw = new LinkedHashMap<>();
  final Map<String, Element> byGpIndex = new HashMap<>();
  final Map<Element, String> busidOf = new HashMap<>();
  private final List<Host.NumaNode> numaNodes = new ArrayList<>();
  private final List<Host.CpuPackage> packages = new ArrayList<>();
  private Host.Cpu cpu;
  private int pus;
  private final Map<String, String> machineInfo = new HashMap<>();
  private final List<Element> osdevs = new ArrayList<>();
  private boolean classWithoutProgIf;

  /** A PCI object as read, before port types and kinds are known. */
  record Raw(PciFunction fn, boolean bridge, Element element) {}

  private HwlocXmlImporter(String file, boolean bitmaskOsdev) {
    this.file = file;
    this.bitmaskOsdev = bitmaskOsdev;
  }

  /** Imports a parsed hwloc XML document; {@code file} names it in diagnostics. */
  public static Report read(Document doc, String file) throws ImportException {
    Element top = doc.getDocumentElement();
    String version = attr(top, "version");
    HwlocXmlImporter r = new HwlocXmlImporter(file, version != null && version.startsWith("3"));
    List<Element> roots = children(top, "object");
    if (roots.isEmpty()) {
      throw new ImportException(file + ": hwloc XML without a root object");
    }
    for (Element root : roots) {
      r.walk(root, null, null, null, null);
    }
    // hwloc 3.0 writes HostName, OSRelease and Architecture on <topology>, older files on Machine
    HwlocXml.infos(top).forEach(r.machineInfo::putIfAbsent);
    return r.build(top);
  }

  private void walk(Element obj, String hostBridge, String parent, Integer numa, String cpus)
      throws ImportException {
    ParseDeadline.check();
    String type = obj.getAttribute("type");
    String gp = attr(obj, "gp_index");
    if (gp != null) {
      byGpIndex.put(type + ":" + gp, obj);
    }
    String busid = attr(obj, "pci_busid");
    String nextHost = hostBridge;
    String nextParent = parent;
    Integer nextNuma = numa;
    String nextCpus = cpus;
    switch (type) {
      case "Bridge", "PCIDev" -> {
        if (busid == null && "Bridge".equals(type)) {
          nextHost = hostBridgeName(obj);
          nextParent = null;
        } else if (busid != null) {
          busid = busid.toLowerCase();
          busidOf.put(obj, busid);
          addPci(obj, busid, type.equals("Bridge"), hostBridge, parent, numa, cpus);
          nextParent = busid;
        }
      }
      case "OSDev" -> osdevs.add(obj);
      case "Misc" -> {}
      default -> {
        readNormal(obj, type);
        List<Integer> nodes = ImportSupport.bits(attr(obj, "nodeset"));
        // a device is local to one node only when the object it hangs below spans exactly one
        nextNuma = nodes.size() == 1 ? nodes.get(0) : null;
        nextCpus = ImportSupport.cpulist(attr(obj, "cpuset"));
      }
    }
    for (Element child : children(obj, "object")) {
      walk(child, nextHost, nextParent, nextNuma, nextCpus);
    }
  }

  private void readNormal(Element obj, String type) {
    Map<String, String> info = HwlocXml.infos(obj);
    switch (type) {
      case "Machine" -> machineInfo.putAll(info);
      case "PU" -> pus++;
      case "Package", "Socket" -> { // "Socket" before hwloc 1.11
        String list = ImportSupport.cpulist(attr(obj, "cpuset"));
        if (list != null && !list.isEmpty()) { // a package without CPUs holds nothing to place
          packages.add(new Host.CpuPackage(HwlocXml.integer(attr(obj, "os_index")), list));
        }
      }
      case "NUMANode" -> {
        String os = attr(obj, "os_index");
        Integer id = HwlocXml.integer(os);
        if (os != null && (id == null || id < 0)) {
          diagnostics.add(
              new Diagnostic(
                  HwlocXml.where(obj),
                  "NUMA node os_index " + HwlocXml.shortened(os) + " is not a number: skipped"));
        } else if (os != null) {
          String list = ImportSupport.cpulist(attr(obj, "cpuset"));
          numaNodes.add(
              new Host.NumaNode(
                  id, list == null ? "" : list, HwlocXml.memory(attr(obj, "local_memory"))));
        }
      }
      default -> {}
    }
    if (cpu == null && info.containsKey("CPUVendor")
        || cpu == null && info.containsKey("CPUModel")) {
      cpu =
          new Host.Cpu(
              info.get("CPUVendor"),
              HwlocXml.integer(info.get("CPUFamilyNumber")),
              HwlocXml.integer(info.get("CPUModelNumber")),
              info.get("CPUModel"),
              null);
    }
  }

  /** {@code bridge_pci="0000:[2b-3b]"} → {@code pci0000:2b}: the root bus is the secondary bus. */
  private String hostBridgeName(Element obj) {
    String range = attr(obj, "bridge_pci");
    Matcher m = range == null ? null : BUS_RANGE.matcher(range);
    if (m == null || !m.matches()) {
      diagnostics.add(
          new Diagnostic(
              HwlocXml.where(obj), "host bridge without a bus range: hostBridge unknown"));
      return null;
    }
    return "pci" + m.group(1).toLowerCase() + ":" + m.group(2).toLowerCase();
  }

  private void addPci(
      Element obj,
      String busid,
      boolean bridge,
      String hostBridge,
      String parent,
      Integer numa,
      String cpus) {
    if (!PciTopology.BDF.matcher(busid).matches()) {
      diagnostics.add(
          new Diagnostic(HwlocXml.where(obj), "pci_busid " + busid + " is not a BDF: skipped"));
      return;
    }
    if (raw.containsKey(busid)) {
      diagnostics.add(
          new Diagnostic(HwlocXml.where(obj), busid + " appears twice: the first is kept"));
      return;
    }
    HwlocPciType t = HwlocPciType.parse(attr(obj, "pci_type"));
    String vendor = t == null ? null : t.vendorId();
    String device = t == null ? null : t.deviceId();
    if (t == null) {
      diagnostics.add(
          new Diagnostic(HwlocXml.where(obj), "no readable pci_type: ids and class unknown"));
    } else {
      classWithoutProgIf |= t.withoutProgIf();
    }
    Map<String, String> info = HwlocXml.infos(obj);
    String vendorName = // pci.ids only where hwloc gave no name
        info.containsKey("PCIVendor") ? info.get("PCIVendor") : ImportSupport.vendorName(vendor);
    String deviceName =
        info.containsKey("PCIDevice")
            ? info.get("PCIDevice")
            : ImportSupport.deviceName(vendor, device);
    PciLink link = HwlocXml.link(obj, diagnostics);
    PciFunction.ConfigInfo config = bridge ? HwlocXml.busRange(obj) : null;
    PciFunction f =
        new PciFunction(
            busid,
            parent,
            hostBridge,
            vendor,
            device,
            t == null ? null : t.subVendorId(),
            t == null ? null : t.subDeviceId(),
            t == null ? null : t.classCode(),
            t == null ? null : t.revision(),
            vendorName,
            deviceName,
            null,
            PortType.UNKNOWN,
            PciFunction.INFERRED,
            null,
            numa,
            cpus,
            null,
            null,
            null,
            link,
            Acs.unknown(),
            config);
    // kind is decided later, once port types are inferred
    int cls16 = t == null ? -1 : t.class16();
    raw.put(busid, new Raw(f, bridge || PciTopology.isBridgeClass(cls16 << 8), obj));
  }

  private Report build(Element top) {
    Map<String, PciTopology.Node> nodes = new HashMap<>();
    raw.forEach((bdf, r) -> nodes.put(bdf, new PciTopology.Node(r.fn().parent(), r.bridge())));
    Map<String, PortType> types = ImportSupport.inferPortTypes(nodes, Map.of());
    HwlocOsDevices os = new HwlocOsDevices(bitmaskOsdev, busidOf, diagnostics);
    os.read(osdevs);
    Map<String, PciFunction> pci = new LinkedHashMap<>();
    raw.forEach(
        (bdf, r) -> {
          PortType t = types.getOrDefault(bdf, PortType.UNKNOWN);
          int cls = PciTopology.class24(r.fn().classCode());
          String cls24 = cls < 0 ? null : String.format("0x%06x", cls);
          DeviceKind k = ImportSupport.kind(cls24, r.fn().vendorId(), t, r.bridge());
          k = os.kindOverride(bdf, k);
          pci.put(bdf, ImportSupport.withTypeAndKind(r.fn(), t, k));
        });
    List<PciFunction> sorted = ImportSupport.sorted(pci.values());
    HwlocNvLinks nv = new HwlocNvLinks(this, pci, diagnostics);
    var nvlinks = nv.read(top);
    Host host =
        new Host(
            machineInfo.get("HostName"),
            machineInfo.get("OSRelease"),
            null,
            machineInfo.get("Architecture"),
            cpu == null
                ? null
                : new Host.Cpu(cpu.vendor(), cpu.family(), cpu.model(), cpu.modelName(), pus),
            numaNodes,
            packages);
    HwlocXml.formatDiagnostics(diagnostics, file, classWithoutProgIf);
    return new Report(
        Report.SCHEMA_VERSION,
        SOURCE,
        host,
        sorted,
        os.rdma(),
        os.net(),
        os.nvme(),
        ImportSupport.gpus(sorted, null),
        nvlinks,
        diagnostics);
  }
}
