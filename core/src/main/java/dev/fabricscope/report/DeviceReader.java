package dev.fabricscope.report;

import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.NvmlGpu;
import dev.fabricscope.topology.NvmlLink;
import dev.fabricscope.topology.NvmlPeer;
import dev.fabricscope.topology.RdmaDevice;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads a report's devices for {@link ReportReader}: RDMA devices and their ports, network
 * interfaces, NVMe controllers, GPUs with what NVML said; the objects {@link DeviceWriter} writes.
 */
final class DeviceReader {

  private static final Map<String, RdmaDevice.Provider> PROVIDERS =
      JsonIn.byJsonName(RdmaDevice.Provider.values(), RdmaDevice.Provider::json);

  private DeviceReader() {}

  static RdmaDevice rdma(JsonIn in) throws IOException {
    String[] s = new String[10];
    RdmaDevice.Provider provider = null;
    List<RdmaDevice.Port> ports = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "name" -> s[0] = in.text();
        case "pciFunction" -> s[1] = in.text();
        case "provider" -> provider = in.named(PROVIDERS);
        case "nodeGuid" -> s[2] = in.text();
        case "sysImageGuid" -> s[3] = in.text();
        case "firmware" -> s[4] = in.text();
        case "nodeType" -> s[5] = in.text();
        case "hcaType" -> s[6] = in.text();
        case "boardId" -> s[7] = in.text();
        case "nodeDesc" -> s[8] = in.text();
        case "parentNetdev" -> s[9] = in.text();
        case "ports" -> ports = in.objects(DeviceReader::port);
        default -> throw in.unknown(f);
      }
    }
    return new RdmaDevice(
        s[0], s[1], provider, s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], ports);
  }

  private static RdmaDevice.Port port(JsonIn in) throws IOException {
    int port = 0;
    String[] s = new String[6];
    Integer stateCode = null;
    Integer physStateCode = null;
    Double rateGbps = null;
    List<String> gids = null;
    List<String> netdevs = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "port" -> port = in.intValue();
        case "state" -> s[0] = in.text();
        case "stateCode" -> stateCode = in.integer();
        case "physState" -> s[1] = in.text();
        case "physStateCode" -> physStateCode = in.integer();
        case "rateGbps" -> rateGbps = in.decimal();
        case "rate" -> s[2] = in.text();
        case "linkLayer" -> s[3] = in.text();
        case "lid" -> s[4] = in.text();
        case "smLid" -> s[5] = in.text();
        case "gids" -> gids = in.strings();
        case "netdevs" -> netdevs = in.strings();
        default -> throw in.unknown(f);
      }
    }
    return new RdmaDevice.Port(
        port,
        s[0],
        stateCode,
        s[1],
        physStateCode,
        rateGbps,
        s[2],
        s[3],
        s[4],
        s[5],
        gids,
        netdevs);
  }

  static NetInterface net(JsonIn in) throws IOException {
    String name = null;
    String pciFunction = null;
    Integer speedMbps = null;
    String operstate = null;
    Integer mtu = null;
    String address = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "name" -> name = in.text();
        case "pciFunction" -> pciFunction = in.text();
        case "speedMbps" -> speedMbps = in.integer();
        case "operstate" -> operstate = in.text();
        case "mtu" -> mtu = in.integer();
        case "address" -> address = in.text();
        default -> throw in.unknown(f);
      }
    }
    return new NetInterface(name, pciFunction, speedMbps, operstate, mtu, address);
  }

  static NvmeController nvme(JsonIn in) throws IOException {
    String[] s = new String[6];
    NvmeController.Cmb cmb = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "name" -> s[0] = in.text();
        case "pciFunction" -> s[1] = in.text();
        case "model" -> s[2] = in.text();
        case "serial" -> s[3] = in.text();
        case "firmware" -> s[4] = in.text();
        case "transport" -> s[5] = in.text();
        case "cmb" -> cmb = in.object(DeviceReader::cmb);
        default -> throw in.unknown(f);
      }
    }
    return new NvmeController(s[0], s[1], s[2], s[3], s[4], s[5], cmb);
  }

  private static NvmeController.Cmb cmb(JsonIn in) throws IOException {
    String cmbloc = null;
    String cmbsz = null;
    Long sizeBytes = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "cmbloc" -> cmbloc = in.text();
        case "cmbsz" -> cmbsz = in.text();
        case "sizeBytes" -> sizeBytes = in.longValue();
        default -> throw in.unknown(f);
      }
    }
    return new NvmeController.Cmb(cmbloc, cmbsz, sizeBytes);
  }

  static Gpu gpu(JsonIn in) throws IOException {
    String[] s = new String[4];
    Integer numaNode = null;
    Integer sm = null;
    NvmlGpu nvml = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "pciFunction" -> s[0] = in.text();
        case "vendorName" -> s[1] = in.text();
        case "deviceName" -> s[2] = in.text();
        case "driver" -> s[3] = in.text();
        case "numaNode" -> numaNode = in.integer();
        case "sm" -> sm = in.integer();
        case "nvml" -> nvml = in.object(DeviceReader::nvml);
        default -> throw in.unknown(f);
      }
    }
    return new Gpu(s[0], s[1], s[2], s[3], numaNode, sm, nvml);
  }

  private static NvmlGpu nvml(JsonIn in) throws IOException {
    String[] s = new String[7];
    Long[] l = new Long[3];
    Integer[] i = new Integer[7];
    Boolean migEnabled = null;
    Boolean migPending = null;
    List<NvmlLink> nvlinks = null;
    List<NvmlPeer> peers = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "productName" -> s[0] = in.text();
        case "uuid" -> s[1] = in.text();
        case "serial" -> s[2] = in.text();
        case "boardId" -> l[0] = in.longValue();
        case "computeCapability" -> s[3] = in.text();
        case "memoryBytes" -> l[1] = in.longValue();
        case "driverVersion" -> s[4] = in.text();
        case "nvmlVersion" -> s[5] = in.text();
        case "cudaDriverVersion" -> i[0] = in.integer();
        case "pcieGenCurrent" -> i[1] = in.integer();
        case "pcieGenMax" -> i[2] = in.integer();
        case "pcieGenGpuMax" -> i[3] = in.integer();
        case "pcieWidthCurrent" -> i[4] = in.integer();
        case "pcieWidthMax" -> i[5] = in.integer();
        case "pcieReplays" -> l[2] = in.longValue();
        case "numaNode" -> i[6] = in.integer();
        case "virtualization" -> s[6] = in.text();
        case "migEnabled" -> migEnabled = in.bool();
        case "migPending" -> migPending = in.bool();
        case "nvlinks" -> nvlinks = in.objects(DeviceReader::nvmlLink);
        case "peers" -> peers = in.objects(DeviceReader::peer);
        default -> throw in.unknown(f);
      }
    }
    return new NvmlGpu(
        s[0],
        s[1],
        s[2],
        l[0],
        s[3],
        l[1],
        s[4],
        s[5],
        i[0],
        i[1],
        i[2],
        i[3],
        i[4],
        i[5],
        l[2],
        i[6],
        s[6],
        migEnabled,
        migPending,
        nvlinks,
        peers);
  }

  private static NvmlLink nvmlLink(JsonIn in) throws IOException {
    int link = 0;
    boolean active = false;
    Integer version = null;
    String remoteBusId = null;
    String remoteType = null;
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "link" -> link = in.intValue();
        case "active" -> active = in.flag();
        case "version" -> version = in.integer();
        case "remoteBusId" -> remoteBusId = in.text();
        case "remoteType" -> remoteType = in.text();
        default -> throw in.unknown(f);
      }
    }
    return new NvmlLink(link, active, version, remoteBusId, remoteType);
  }

  private static NvmlPeer peer(JsonIn in) throws IOException {
    String[] s = new String[6];
    for (String f = in.field(); f != null; f = in.field()) {
      switch (f) {
        case "peer" -> s[0] = in.text();
        case "read" -> s[1] = in.text();
        case "write" -> s[2] = in.text();
        case "nvlink" -> s[3] = in.text();
        case "atomics" -> s[4] = in.text();
        case "commonAncestor" -> s[5] = in.text();
        default -> throw in.unknown(f);
      }
    }
    return new NvmlPeer(s[0], s[1], s[2], s[3], s[4], s[5]);
  }
}
