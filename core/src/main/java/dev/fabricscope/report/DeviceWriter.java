package dev.fabricscope.report;

import static dev.fabricscope.report.JsonOut.field;
import static dev.fabricscope.report.JsonOut.list;
import static dev.fabricscope.report.JsonOut.object;
import static dev.fabricscope.report.JsonOut.strings;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.NvmlGpu;
import dev.fabricscope.topology.RdmaDevice;
import java.io.IOException;

/**
 * The device lists of report JSON ({@code rdma}, {@code net}, {@code nvme}, {@code gpus}), written
 * for {@link ReportWriter} field for field as Jackson's data binding writes the records.
 */
final class DeviceWriter {

  private DeviceWriter() {}

  static void rdma(JsonGenerator g, RdmaDevice d) throws IOException {
    g.writeStartObject();
    field(g, "name", d.name());
    field(g, "pciFunction", d.pciFunction());
    field(g, "provider", d.provider() == null ? null : d.provider().json());
    field(g, "nodeGuid", d.nodeGuid());
    field(g, "sysImageGuid", d.sysImageGuid());
    field(g, "firmware", d.firmware());
    field(g, "nodeType", d.nodeType());
    field(g, "hcaType", d.hcaType());
    field(g, "boardId", d.boardId());
    field(g, "nodeDesc", d.nodeDesc());
    field(g, "parentNetdev", d.parentNetdev());
    list(g, "ports", d.ports(), DeviceWriter::port);
    g.writeEndObject();
  }

  private static void port(JsonGenerator g, RdmaDevice.Port p) throws IOException {
    g.writeStartObject();
    g.writeNumberField("port", p.port());
    field(g, "state", p.state());
    field(g, "stateCode", p.stateCode());
    field(g, "physState", p.physState());
    field(g, "physStateCode", p.physStateCode());
    field(g, "rateGbps", p.rateGbps());
    field(g, "rate", p.rate());
    field(g, "linkLayer", p.linkLayer());
    field(g, "lid", p.lid());
    field(g, "smLid", p.smLid());
    strings(g, "gids", p.gids());
    strings(g, "netdevs", p.netdevs());
    g.writeEndObject();
  }

  static void net(JsonGenerator g, NetInterface n) throws IOException {
    g.writeStartObject();
    field(g, "name", n.name());
    field(g, "pciFunction", n.pciFunction());
    field(g, "speedMbps", n.speedMbps());
    field(g, "operstate", n.operstate());
    field(g, "mtu", n.mtu());
    field(g, "address", n.address());
    g.writeEndObject();
  }

  static void nvme(JsonGenerator g, NvmeController n) throws IOException {
    g.writeStartObject();
    field(g, "name", n.name());
    field(g, "pciFunction", n.pciFunction());
    field(g, "model", n.model());
    field(g, "serial", n.serial());
    field(g, "firmware", n.firmware());
    field(g, "transport", n.transport());
    object(
        g,
        "cmb",
        n.cmb(),
        (gen, c) -> {
          field(gen, "cmbloc", c.cmbloc());
          field(gen, "cmbsz", c.cmbsz());
          field(gen, "sizeBytes", c.sizeBytes());
        });
    g.writeEndObject();
  }

  static void gpu(JsonGenerator g, Gpu d) throws IOException {
    g.writeStartObject();
    field(g, "pciFunction", d.pciFunction());
    field(g, "vendorName", d.vendorName());
    field(g, "deviceName", d.deviceName());
    field(g, "driver", d.driver());
    field(g, "numaNode", d.numaNode());
    field(g, "sm", d.sm());
    object(g, "nvml", d.nvml(), DeviceWriter::nvml);
    g.writeEndObject();
  }

  private static void nvml(JsonGenerator g, NvmlGpu n) throws IOException {
    field(g, "productName", n.productName());
    field(g, "uuid", n.uuid());
    field(g, "serial", n.serial());
    field(g, "boardId", n.boardId());
    field(g, "computeCapability", n.computeCapability());
    field(g, "memoryBytes", n.memoryBytes());
    field(g, "driverVersion", n.driverVersion());
    field(g, "nvmlVersion", n.nvmlVersion());
    field(g, "cudaDriverVersion", n.cudaDriverVersion());
    field(g, "pcieGenCurrent", n.pcieGenCurrent());
    field(g, "pcieGenMax", n.pcieGenMax());
    field(g, "pcieGenGpuMax", n.pcieGenGpuMax());
    field(g, "pcieWidthCurrent", n.pcieWidthCurrent());
    field(g, "pcieWidthMax", n.pcieWidthMax());
    field(g, "pcieReplays", n.pcieReplays());
    field(g, "numaNode", n.numaNode());
    field(g, "virtualization", n.virtualization());
    field(g, "migEnabled", n.migEnabled());
    field(g, "migPending", n.migPending());
    list(
        g,
        "nvlinks",
        n.nvlinks(),
        (gen, l) -> {
          gen.writeStartObject();
          gen.writeNumberField("link", l.link());
          gen.writeBooleanField("active", l.active());
          field(gen, "version", l.version());
          field(gen, "remoteBusId", l.remoteBusId());
          field(gen, "remoteType", l.remoteType());
          gen.writeEndObject();
        });
    list(
        g,
        "peers",
        n.peers(),
        (gen, p) -> {
          gen.writeStartObject();
          field(gen, "peer", p.peer());
          field(gen, "read", p.read());
          field(gen, "write", p.write());
          field(gen, "nvlink", p.nvlink());
          field(gen, "atomics", p.atomics());
          field(gen, "commonAncestor", p.commonAncestor());
          gen.writeEndObject();
        });
  }
}
