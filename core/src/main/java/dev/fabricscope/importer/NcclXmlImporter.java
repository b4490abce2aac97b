package dev.fabricscope.importer;

import static dev.fabricscope.importer.SafeXml.attr;
import static dev.fabricscope.importer.SafeXml.children;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.sysfs.LinkSpeeds;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Imports an NCCL topology file ({@code <system version="1">}, p2p-rules.md §4.8). NCCL's graph has
 * no root ports and no host bridges (§4.3): a {@code pci} directly under a {@code cpu} hangs off
 * the host (parent and hostBridge null, NUMA node = the cpu's numaid); a {@code pci} with {@code
 * pci} children is a switch (NCCL's node for the switch's upstream port) and its children hang
 * below it. Switch ids may be virtual ({@code ffff:ff:01.0}) and are kept as written. {@code gpu}
 * gives the compute capability, {@code nic}/{@code net} RDMA devices, {@code nvlink} NVLink
 * connections.
 */
public final class NcclXmlImporter {

  /** Report {@code source}. */
  public static final String SOURCE = "nccl-xml";

  private final String file;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final Map<String, PciFunction> pci = new LinkedHashMap<>();
  private final Map<String, Integer> sm = new HashMap<>();
  private final Map<String, RdmaDevice> rdma = new LinkedHashMap<>();
  private final List<NvLink> nvlinks = new ArrayList<>();
  private boolean linkSeen;

  private NcclXmlImporter(String file) {
    this.file = file;
  }

  /** Imports a parsed NCCL topology document; {@code file} names it in messages. */
  public static Report read(Document doc, String file) throws ImportException {
    Element system = doc.getDocumentElement();
    String version = attr(system, "version");
    if (version != null && !version.equals("1")) {
      throw new ImportException(
          file + ": NCCL topology version " + version + " is not supported (only version 1)");
    }
    List<Element> cpus = children(system, "cpu");
    if (cpus.isEmpty()) {
      throw new ImportException(file + ": NCCL topology without any <cpu> element");
    }
    return new NcclXmlImporter(file).build(cpus);
  }

  private Report build(List<Element> cpus) {
    List<Host.NumaNode> numa = new ArrayList<>();
    for (Element cpu : cpus) {
      ParseDeadline.check();
      Integer node = integer(attr(cpu, "numaid"));
      if (node != null && node < 0) {
        node = null; // NCCL writes -1 when the NUMA node is unknown
      }
      String list = ImportSupport.cpulist(attr(cpu, "affinity"));
      final Integer id = node;
      if (id != null && numa.stream().noneMatch(nn -> nn.id() == id)) {
        numa.add(new Host.NumaNode(id, list == null ? "" : list));
      }
      for (Element c : children(cpu, null)) {
        if (c.getTagName().equals("pci")) {
          pci(c, null, node, list);
        } else if (c.getTagName().equals("nic")) {
          nic(c, null);
        }
      }
    }
    Element first = cpus.get(0);
    Host.Cpu cpu =
        new Host.Cpu(
            attr(first, "vendor"),
            integer(attr(first, "familyid")),
            integer(attr(first, "modelid")),
            null,
            null);
    Host host = new Host(null, null, null, attr(first, "arch"), cpu, numa);
    // port types: NCCL switch nodes are upstream ports, everything else is what hangs below
    Map<String, PciTopology.Node> nodes = new HashMap<>();
    Map<String, Boolean> hasChild = new HashMap<>();
    pci.values().forEach(f -> hasChild.put(f.parent(), true));
    List<PciFunction> out = new ArrayList<>();
    for (PciFunction f : pci.values()) {
      boolean sw = hasChild.containsKey(f.bdf());
      PortType t = sw ? PortType.SWITCH_UPSTREAM : PortType.ENDPOINT;
      DeviceKind k = ImportSupport.kind(f.classCode(), f.vendorId(), t, sw);
      if (sm.containsKey(f.bdf())) {
        k = DeviceKind.GPU; // a <gpu> child says so even when the class is missing
      } else if (k == DeviceKind.NIC
          && rdma.values().stream().anyMatch(r -> f.bdf().equals(r.pciFunction()))) {
        k = DeviceKind.RDMA;
      }
      out.add(ImportSupport.withTypeAndKind(f, t, k));
    }
    List<PciFunction> sorted = ImportSupport.sorted(out);
    diagnostics.add(
        new Diagnostic(
            file,
            "NCCL topology has no host bridges or root ports: devices under a <cpu> have parent"
                + " and hostBridge null"));
    diagnostics.add(
        new Diagnostic(
            file,
            "NCCL topology records no ACS, drivers, revisions or config space: unknown; port types"
                + " inferred (a pci with pci children is a switch upstream port)"));
    if (linkSeen) {
      diagnostics.add(
          new Diagnostic(
              file,
              "link_speed/link_width are NCCL's min(device max, upstream port max) (§4.3):"
                  + " stored as link.max; current link state unknown"));
    }
    return new Report(
        Report.SCHEMA_VERSION,
        SOURCE,
        host,
        sorted,
        new ArrayList<>(rdma.values()),
        List.of(),
        List.of(),
        ImportSupport.gpus(sorted, sm),
        nvlinks,
        diagnostics);
  }

  private void pci(Element e, String parent, Integer numa, String cpus) {
    String busid = attr(e, "busid");
    if (busid == null || !PciTopology.BDF.matcher(busid.toLowerCase()).matches()) {
      diagnostics.add(new Diagnostic("pci[busid=" + busid + "]", "not a BDF: skipped"));
      return;
    }
    String bdf = busid.toLowerCase();
    if (pci.containsKey(bdf)) {
      diagnostics.add(new Diagnostic("pci[busid=" + bdf + "]", "listed twice: first kept"));
      return;
    }
    String vendor = id(attr(e, "vendor"), 4);
    String device = id(attr(e, "device"), 4);
    Double speed = LinkSpeeds.parseSysfs(attr(e, "link_speed"));
    Integer width = integer(attr(e, "link_width"));
    if (speed == null && width != null && width == 0) {
      width = null; // NCCL writes width 0 with an empty speed when it could not read the link
    }
    PciLink link = null;
    // written but unknown ("" and 0) is kept apart from not written: NCCL fills a missing
    // attribute from sysfs when it loads a file, but keeps one it finds
    if (attr(e, "link_speed") != null || attr(e, "link_width") != null) {
      linkSeen = true;
      link = new PciLink(null, new PciLink.LinkState(speed, width), null, null, null, null);
    }
    pci.put(
        bdf,
        new PciFunction(
            bdf,
            parent,
            null,
            vendor,
            device,
            id(attr(e, "subsystem_vendor"), 4),
            id(attr(e, "subsystem_device"), 4),
            id(attr(e, "class"), 6),
            null,
            ImportSupport.vendorName(vendor),
            ImportSupport.deviceName(vendor, device),
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
            null));
    for (Element c : children(e, null)) {
      ParseDeadline.check();
      switch (c.getTagName()) {
        case "pci" -> pci(c, bdf, numa, cpus);
        case "gpu" -> gpu(c, bdf);
        case "nic" -> nic(c, bdf);
        default -> {}
      }
    }
  }

  private void gpu(Element g, String bdf) {
    Integer s = integer(attr(g, "sm"));
    sm.put(bdf, s);
    for (Element l : children(g, "nvlink")) {
      String target = attr(l, "target");
      Integer count = integer(attr(l, "count"));
      if (target == null || count == null) {
        diagnostics.add(new Diagnostic("nvlink[gpu=" + bdf + "]", "no target or count: skipped"));
        continue;
      }
      String peer = target.toLowerCase();
      // NCCL lists a GPU<->GPU bond under both GPUs (one direction per element): count it once
      if (nvlinks.stream().anyMatch(x -> x.a().equals(peer) && x.b().equals(bdf))) {
        continue;
      }
      // NCCL records link counts only; the bandwidth depends on the NVLink generation
      nvlinks.add(new NvLink(bdf, peer, count, null));
    }
  }

  private void nic(Element n, String bdf) {
    for (Element net : children(n, "net")) {
      String name = attr(net, "name");
      if (name == null) {
        continue;
      }
      Integer speed = integer(attr(net, "speed"));
      Integer port = integer(attr(net, "port"));
      RdmaDevice.Port p =
          new RdmaDevice.Port(
              port == null ? 0 : port,
              null,
              null,
              null,
              null,
              speed == null ? null : speed / 1000.0,
              null,
              null,
              null,
              null,
              List.of(),
              List.of());
      RdmaDevice old = rdma.get(name);
      List<RdmaDevice.Port> ports = new ArrayList<>(old == null ? List.of() : old.ports());
      ports.add(p);
      rdma.put(
          name,
          new RdmaDevice(
              name,
              bdf,
              RdmaDevice.Provider.HARDWARE,
              ImportSupport.guid(attr(net, "guid")),
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              ports));
    }
  }

  /** {@code 0x10de} → {@code 0x10de}; NCCL's virtual {@code 0xffff} is kept as written. */
  private static String id(String s, int digits) {
    int v = PciTopology.hex(s);
    return ImportSupport.hexId(v, digits);
  }

  private static Integer integer(String s) {
    try {
      return s == null ? null : Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
