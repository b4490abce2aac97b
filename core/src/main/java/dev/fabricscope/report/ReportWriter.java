package dev.fabricscope.report;

import static dev.fabricscope.report.JsonOut.field;
import static dev.fabricscope.report.JsonOut.list;
import static dev.fabricscope.report.JsonOut.object;
import static dev.fabricscope.report.JsonOut.strings;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.Report;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes report JSON (schema version 1) through Jackson's streaming generator, field for field what
 * {@link ReportJson#mapper()} writes from the records: the same names, order and values, with every
 * field present ({@code null} when unknown). {@code ReportWriterTest} holds the two to the same
 * bytes for every fixture the importers read.
 *
 * <p>Why by hand (issue 11, cold start): Jackson's data binding builds its writer for each of the
 * report's 27 record types by reflection the first time it writes one, and its {@code ObjectMapper}
 * takes some 50 ms to set up in a fresh JVM. A command line that imports a file (its report is
 * checked as written JSON, {@link ReportValidator#check}) paid about 130 ms for both before it
 * printed anything; this writer needs only the streaming parser's classes. The devices of a report
 * (RDMA, network, NVMe, GPU) are written by {@link DeviceWriter}.
 */
public final class ReportWriter {

  private static final JsonFactory FACTORY = new JsonFactory();

  private ReportWriter() {}

  /** The report as compact JSON (UTF-8). */
  public static byte[] bytes(Report r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      write(g, r);
    } catch (IOException e) {
      throw new UncheckedIOException("a report in memory cannot fail to be written", e);
    }
    return out.toByteArray();
  }

  /** Writes {@code r} as one JSON object. */
  public static void write(JsonGenerator g, Report r) throws IOException {
    g.writeStartObject();
    g.writeNumberField("schemaVersion", r.schemaVersion());
    field(g, "source", r.source());
    g.writeFieldName("host");
    host(g, r.host());
    list(g, "pci", r.pci(), ReportWriter::pci);
    list(g, "rdma", r.rdma(), DeviceWriter::rdma);
    list(g, "net", r.net(), DeviceWriter::net);
    list(g, "nvme", r.nvme(), DeviceWriter::nvme);
    list(g, "gpus", r.gpus(), DeviceWriter::gpu);
    list(g, "nvlinks", r.nvlinks(), ReportWriter::nvlink);
    list(g, "diagnostics", r.diagnostics(), ReportWriter::diagnostic);
    g.writeEndObject();
  }

  private static void host(JsonGenerator g, Host h) throws IOException {
    if (h == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    field(g, "name", h.name());
    field(g, "kernelVersion", h.kernelVersion());
    field(g, "kernelCommandLine", h.kernelCommandLine());
    field(g, "architecture", h.architecture());
    g.writeFieldName("cpu");
    Host.Cpu c = h.cpu();
    if (c == null) {
      g.writeNull();
    } else {
      g.writeStartObject();
      field(g, "vendor", c.vendor());
      field(g, "family", c.family());
      field(g, "model", c.model());
      field(g, "modelName", c.modelName());
      field(g, "logicalCpus", c.logicalCpus());
      g.writeEndObject();
    }
    list(
        g,
        "numaNodes",
        h.numaNodes(),
        (gen, n) -> {
          gen.writeStartObject();
          gen.writeNumberField("id", n.id());
          field(gen, "cpulist", n.cpulist());
          field(gen, "memoryBytes", n.memoryBytes());
          gen.writeEndObject();
        });
    list(
        g,
        "packages",
        h.packages(),
        (gen, p) -> {
          gen.writeStartObject();
          field(gen, "id", p.id());
          field(gen, "cpulist", p.cpulist());
          gen.writeEndObject();
        });
    g.writeEndObject();
  }

  private static void pci(JsonGenerator g, PciFunction f) throws IOException {
    g.writeStartObject();
    field(g, "bdf", f.bdf());
    field(g, "parent", f.parent());
    field(g, "hostBridge", f.hostBridge());
    field(g, "vendorId", f.vendorId());
    field(g, "deviceId", f.deviceId());
    field(g, "subsystemVendorId", f.subsystemVendorId());
    field(g, "subsystemDeviceId", f.subsystemDeviceId());
    field(g, "classCode", f.classCode());
    field(g, "revision", f.revision());
    field(g, "vendorName", f.vendorName());
    field(g, "deviceName", f.deviceName());
    field(g, "kind", f.kind() == null ? null : f.kind().json());
    field(g, "portType", f.portType() == null ? null : f.portType().json());
    field(g, "portTypeSource", f.portTypeSource());
    field(g, "driver", f.driver());
    field(g, "numaNode", f.numaNode());
    field(g, "localCpulist", f.localCpulist());
    object(g, "iommu", f.iommu(), ReportWriter::iommu);
    object(g, "sriov", f.sriov(), ReportWriter::sriov);
    object(g, "p2pmem", f.p2pmem(), ReportWriter::p2pmem);
    object(g, "link", f.link(), ReportWriter::link);
    object(g, "acs", f.acs(), ReportWriter::acs);
    object(g, "config", f.config(), ReportWriter::config);
    g.writeEndObject();
  }

  private static void iommu(JsonGenerator g, PciFunction.Iommu i) throws IOException {
    g.writeNumberField("group", i.group());
    field(g, "type", i.type());
  }

  private static void sriov(JsonGenerator g, PciFunction.Sriov s) throws IOException {
    field(g, "physfn", s.physfn());
    strings(g, "virtfns", s.virtfns());
    field(g, "totalVfs", s.totalVfs());
    field(g, "numVfs", s.numVfs());
  }

  private static void p2pmem(JsonGenerator g, PciFunction.P2pMem p) throws IOException {
    field(g, "sizeBytes", p.sizeBytes());
    field(g, "availableBytes", p.availableBytes());
    field(g, "published", p.published());
  }

  private static void link(JsonGenerator g, PciLink l) throws IOException {
    object(g, "current", l.current(), ReportWriter::linkState);
    object(g, "max", l.max(), ReportWriter::linkState);
    object(g, "capability", l.capability(), ReportWriter::linkState);
    object(g, "status", l.status(), ReportWriter::linkState);
    object(
        g,
        "upstream",
        l.upstream(),
        (gen, u) -> {
          field(gen, "bdf", u.bdf());
          object(gen, "current", u.current(), ReportWriter::linkState);
          object(gen, "max", u.max(), ReportWriter::linkState);
        });
    field(g, "reportedGBps", l.reportedGBps());
  }

  private static void linkState(JsonGenerator g, PciLink.LinkState s) throws IOException {
    field(g, "speedGTs", s.speedGTs());
    field(g, "width", s.width());
  }

  private static void acs(JsonGenerator g, Acs a) throws IOException {
    field(g, "state", a.state());
    object(g, "capability", a.capability(), ReportWriter::acsBits);
    object(g, "control", a.control(), ReportWriter::acsBits);
    field(g, "egressVectorSize", a.egressVectorSize());
  }

  private static void acsBits(JsonGenerator g, Acs.Bits b) throws IOException {
    g.writeBooleanField("srcValid", b.srcValid());
    g.writeBooleanField("transBlk", b.transBlk());
    g.writeBooleanField("reqRedir", b.reqRedir());
    g.writeBooleanField("cmpltRedir", b.cmpltRedir());
    g.writeBooleanField("upstreamFwd", b.upstreamFwd());
    g.writeBooleanField("egressCtrl", b.egressCtrl());
    g.writeBooleanField("directTrans", b.directTrans());
  }

  private static void config(JsonGenerator g, PciFunction.ConfigInfo c) throws IOException {
    field(g, "bytesReadable", c.bytesReadable());
    field(g, "pcieCapability", c.pcieCapability());
    field(g, "mpsBytes", c.mpsBytes());
    field(g, "mpsSupportedBytes", c.mpsSupportedBytes());
    field(g, "mrrsBytes", c.mrrsBytes());
    object(
        g,
        "ats",
        c.ats(),
        (gen, a) -> {
          gen.writeBooleanField("enabled", a.enabled());
          gen.writeNumberField("stu", a.stu());
        });
    field(g, "secondaryBus", c.secondaryBus());
    field(g, "subordinateBus", c.subordinateBus());
  }

  private static void nvlink(JsonGenerator g, NvLink l) throws IOException {
    g.writeStartObject();
    field(g, "a", l.a());
    field(g, "b", l.b());
    g.writeNumberField("count", l.count());
    field(g, "bandwidthGBps", l.bandwidthGBps());
    g.writeEndObject();
  }

  private static void diagnostic(JsonGenerator g, Diagnostic d) throws IOException {
    g.writeStartObject();
    field(g, "path", d.path());
    field(g, "reason", d.reason());
    g.writeEndObject();
  }
}
