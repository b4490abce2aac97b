package dev.fabricscope.topology;

/**
 * A {@link PciFunction} being changed: every field, settable, so that code changing a function (the
 * record's {@code with…} copies, what-if plan edits) names only what it changes; {@link #build()}
 * gives the record.
 */
public final class PciFunctionDraft {

  public String bdf;
  public String parent;
  public String hostBridge;
  public String vendorId;
  public String deviceId;
  public String subsystemVendorId;
  public String subsystemDeviceId;
  public String classCode;
  public String revision;
  public String vendorName;
  public String deviceName;
  public DeviceKind kind;
  public PortType portType;
  public String portTypeSource;
  public String driver;
  public Integer numaNode;
  public String localCpulist;
  public PciFunction.Iommu iommu;
  public PciFunction.Sriov sriov;
  public PciFunction.P2pMem p2pmem;
  public PciLink link;
  public Acs acs;
  public PciFunction.ConfigInfo config;

  /** A draft holding every field of {@code f}. */
  public static PciFunctionDraft of(PciFunction f) {
    PciFunctionDraft d = new PciFunctionDraft();
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

  /** The record with the fields as they are now. */
  public PciFunction build() {
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
