package dev.fabricscope.plan;

import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PortType;

/**
 * A PCI function being changed by a plan edit: every field of {@link PciFunction}, settable, so
 * that an edit names only what it changes. Package-private; {@link #build()} gives the record.
 */
final class FunctionDraft {

  String bdf;
  String parent;
  String hostBridge;
  String vendorId;
  String deviceId;
  String subsystemVendorId;
  String subsystemDeviceId;
  String classCode;
  String revision;
  String vendorName;
  String deviceName;
  DeviceKind kind;
  PortType portType;
  String portTypeSource;
  String driver;
  Integer numaNode;
  String localCpulist;
  PciFunction.Iommu iommu;
  PciFunction.Sriov sriov;
  PciFunction.P2pMem p2pmem;
  PciLink link;
  Acs acs;
  PciFunction.ConfigInfo config;

  static FunctionDraft of(PciFunction f) {
    FunctionDraft d = new FunctionDraft();
    d.bdf = f.bdf();
    d.parent = f.parent();
    d.hostBridge = f.hostBridge();
    d.vendorId = f.vendorId();
    d.deviceId = f.deviceId();
    d.subsystemVendorId = f.subsystemVendorId();
    d.subsystemDeviceId = f.subsystemDeviceId();
    d.classCode = f.classCode();
    d.revision = f.revision();
    d.vendorName = f.vendorName();
    d.deviceName = f.deviceName();
    d.kind = f.kind();
    d.portType = f.portType();
    d.portTypeSource = f.portTypeSource();
    d.driver = f.driver();
    d.numaNode = f.numaNode();
    d.localCpulist = f.localCpulist();
    d.iommu = f.iommu();
    d.sriov = f.sriov();
    d.p2pmem = f.p2pmem();
    d.link = f.link();
    d.acs = f.acs();
    d.config = f.config();
    return d;
  }

  /**
   * A port of a switch the plan adds: a PCI-to-PCI bridge (class 0x060400) named as planned, so
   * that nobody mistakes it for discovered hardware.
   */
  static FunctionDraft plannedPort(String bdf, String parent, PortType type) {
    FunctionDraft d = new FunctionDraft();
    d.bdf = bdf;
    d.parent = parent;
    d.classCode = "0x060400";
    d.vendorName = "planned";
    d.deviceName =
        type == PortType.SWITCH_UPSTREAM
            ? "planned PCIe switch, upstream port"
            : "planned PCIe switch, downstream port";
    d.kind = DeviceKind.SWITCH_PORT;
    d.portType = type;
    d.portTypeSource = "plan";
    return d;
  }

  PciFunction build() {
    return new PciFunction(
        bdf,
        parent,
        hostBridge,
        vendorId,
        deviceId,
        subsystemVendorId,
        subsystemDeviceId,
        classCode,
        revision,
        vendorName,
        deviceName,
        kind,
        portType,
        portTypeSource,
        driver,
        numaNode,
        localCpulist,
        iommu,
        sriov,
        p2pmem,
        link,
        acs,
        config);
  }
}
