package dev.fabricscope.report;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.sysfs.KernelCommandLine;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads report JSON (schema version 1) into the records, field for field what Jackson's data
 * binding makes of it ({@link ReportJson#mapper()}): fields in any order, a missing field as null,
 * the records' own constructors. It reads the tokens of a {@link SchemaCheckingParser}, so the
 * schema check and the reading are one pass over the bytes; {@code SchemaCheckingParserTest} holds
 * it to data binding on real reports and thousands of generated ones.
 *
 * <p>Why by hand (issue 4's ingest rate, docs/benchmarks.md "One pass…"): data binding on the
 * checking parser was slower in the server than two passes, because its shared code then calls the
 * parser through more types than the JIT inlines; this reader's calls go to one parser class. The
 * devices (RDMA, network, NVMe, GPU) are read by {@link DeviceReader}; {@link ReportWriter} is the
 * same by hand in the other direction.
 */
final class ReportReader {

  private static final Map<String, DeviceKind> KINDS =
      JsonIn.byJsonName(DeviceKind.values(), DeviceKind::json);
  private static final Map<String, PortType> PORT_TYPES =
      JsonIn.byJsonName(PortType.values(), PortType::json);

  private ReportReader() {}

  /**
   * Reads the report whose {@code START_OBJECT} is the parser's current token, up to its end.
   *
   * @throws JsonIn.Unreadable when the records cannot hold the JSON (data binding would refuse it)
   */
  static Report read(SchemaCheckingParser p) throws IOException {
    JsonIn in = new JsonIn(p);
    try {
      return in.object(ReportReader::report);
    } catch (ParseDeadline.ExceededException e) {
      throw e;
    } catch (RuntimeException e) {
      // a record's constructor refused a value, as it would under data binding
      throw new JsonIn.Unreadable("a value the report's records refuse: " + e.getMessage());
    }
  }

  private static Report report(JsonIn in) throws IOException {
    int schemaVersion = 0;
    String source = null;
    Host host = null;
    List<PciFunction> pci = null;
    List<RdmaDevice> rdma = null;
    List<NetInterface> net = null;
    List<NvmeController> nvme = null;
    List<Gpu> gpus = null;
    List<NvLink> nvlinks = null;
    List<Diagnostic> diagnostics = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "schemaVersion" -> schemaVersion = in.intValue();
        case "source" -> source = in.text();
        case "host" -> host = in.object(ReportReader::host);
        case "pci" -> pci = in.objects(ReportReader::pci);
        case "rdma" -> rdma = in.objects(DeviceReader::rdma);
        case "net" -> net = in.objects(DeviceReader::net);
        case "nvme" -> nvme = in.objects(DeviceReader::nvme);
        case "gpus" -> gpus = in.objects(DeviceReader::gpu);
        case "nvlinks" -> nvlinks = in.objects(ReportReader::nvlink);
        case "diagnostics" -> diagnostics = in.objects(ReportReader::diagnostic);
        default -> throw in.unknown(f);
      }
    }
    return new Report(
        schemaVersion, source, host, pci, rdma, net, nvme, gpus, nvlinks, diagnostics);
  }

  private static Host host(JsonIn in) throws IOException {
    String name = null;
    String kernelVersion = null;
    String kernelCommandLine = null;
    String architecture = null;
    Host.Cpu cpu = null;
    List<Host.NumaNode> numaNodes = null;
    List<Host.CpuPackage> packages = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "name" -> name = in.text();
        case "kernelVersion" -> kernelVersion = in.text();
        // redacted as the agent does (KernelCommandLine): reports of older agents, imported
        // report JSON and gathered archives of them carried credentials from the boot line
        case "kernelCommandLine" -> kernelCommandLine = KernelCommandLine.redact(in.text());
        case "architecture" -> architecture = in.text();
        case "cpu" -> cpu = in.object(ReportReader::cpu);
        case "numaNodes" -> numaNodes = in.objects(ReportReader::numaNode);
        case "packages" -> packages = in.objects(ReportReader::cpuPackage);
        default -> throw in.unknown(f);
      }
    }
    return new Host(name, kernelVersion, kernelCommandLine, architecture, cpu, numaNodes, packages);
  }

  private static Host.Cpu cpu(JsonIn in) throws IOException {
    String vendor = null;
    Integer family = null;
    Integer model = null;
    String modelName = null;
    Integer logicalCpus = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "vendor" -> vendor = in.text();
        case "family" -> family = in.integer();
        case "model" -> model = in.integer();
        case "modelName" -> modelName = in.text();
        case "logicalCpus" -> logicalCpus = in.integer();
        default -> throw in.unknown(f);
      }
    }
    return new Host.Cpu(vendor, family, model, modelName, logicalCpus);
  }

  private static Host.NumaNode numaNode(JsonIn in) throws IOException {
    int id = 0;
    String cpulist = null;
    Long memoryBytes = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "id" -> id = in.intValue();
        case "cpulist" -> cpulist = in.text();
        case "memoryBytes" -> memoryBytes = in.longValue();
        default -> throw in.unknown(f);
      }
    }
    return new Host.NumaNode(id, cpulist, memoryBytes);
  }

  private static Host.CpuPackage cpuPackage(JsonIn in) throws IOException {
    Integer id = null;
    String cpulist = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "id" -> id = in.integer();
        case "cpulist" -> cpulist = in.text();
        default -> throw in.unknown(f);
      }
    }
    return new Host.CpuPackage(id, cpulist);
  }

  private static PciFunction pci(JsonIn in) throws IOException {
    String[] s = new String[14];
    DeviceKind kind = null;
    PortType portType = null;
    Integer numaNode = null;
    PciFunction.Iommu iommu = null;
    PciFunction.Sriov sriov = null;
    PciFunction.P2pMem p2pmem = null;
    PciLink link = null;
    Acs acs = null;
    PciFunction.ConfigInfo config = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "bdf" -> s[0] = in.text();
        case "parent" -> s[1] = in.text();
        case "hostBridge" -> s[2] = in.text();
        case "vendorId" -> s[3] = in.text();
        case "deviceId" -> s[4] = in.text();
        case "subsystemVendorId" -> s[5] = in.text();
        case "subsystemDeviceId" -> s[6] = in.text();
        case "classCode" -> s[7] = in.text();
        case "revision" -> s[8] = in.text();
        case "vendorName" -> s[9] = in.text();
        case "deviceName" -> s[10] = in.text();
        case "kind" -> kind = in.named(KINDS);
        case "portType" -> portType = in.named(PORT_TYPES);
        case "portTypeSource" -> s[11] = in.text();
        case "driver" -> s[12] = in.text();
        case "numaNode" -> numaNode = in.integer();
        case "localCpulist" -> s[13] = in.text();
        case "iommu" -> iommu = in.object(ReportReader::iommu);
        case "sriov" -> sriov = in.object(ReportReader::sriov);
        case "p2pmem" -> p2pmem = in.object(ReportReader::p2pmem);
        case "link" -> link = in.object(LinkReader::link);
        case "acs" -> acs = in.object(LinkReader::acs);
        case "config" -> config = in.object(LinkReader::config);
        default -> throw in.unknown(f);
      }
    }
    return new PciFunction(
        s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], kind, portType, s[11],
        s[12], numaNode, s[13], iommu, sriov, p2pmem, link, acs, config);
  }

  private static PciFunction.Iommu iommu(JsonIn in) throws IOException {
    int group = 0;
    String type = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "group" -> group = in.intValue();
        case "type" -> type = in.text();
        default -> throw in.unknown(f);
      }
    }
    return new PciFunction.Iommu(group, type);
  }

  private static PciFunction.Sriov sriov(JsonIn in) throws IOException {
    String physfn = null;
    List<String> virtfns = null;
    Integer totalVfs = null;
    Integer numVfs = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "physfn" -> physfn = in.text();
        case "virtfns" -> virtfns = in.strings();
        case "totalVfs" -> totalVfs = in.integer();
        case "numVfs" -> numVfs = in.integer();
        default -> throw in.unknown(f);
      }
    }
    return new PciFunction.Sriov(physfn, virtfns, totalVfs, numVfs);
  }

  private static PciFunction.P2pMem p2pmem(JsonIn in) throws IOException {
    Long sizeBytes = null;
    Long availableBytes = null;
    Boolean published = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "sizeBytes" -> sizeBytes = in.longValue();
        case "availableBytes" -> availableBytes = in.longValue();
        case "published" -> published = in.bool();
        default -> throw in.unknown(f);
      }
    }
    return new PciFunction.P2pMem(sizeBytes, availableBytes, published);
  }

  private static NvLink nvlink(JsonIn in) throws IOException {
    String a = null;
    String b = null;
    int count = 0;
    Double bandwidthGBps = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "a" -> a = in.text();
        case "b" -> b = in.text();
        case "count" -> count = in.intValue();
        case "bandwidthGBps" -> bandwidthGBps = in.decimal();
        default -> throw in.unknown(f);
      }
    }
    return new NvLink(a, b, count, bandwidthGBps);
  }

  private static Diagnostic diagnostic(JsonIn in) throws IOException {
    String path = null;
    String reason = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "path" -> path = in.text();
        case "reason" -> reason = in.text();
        default -> throw in.unknown(f);
      }
    }
    return new Diagnostic(path, reason);
  }
}
