package dev.fabricscope.topology;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One PCI function ({@code /sys/bus/pci/devices/<bdf>}, p2p-rules.md §1 and §6.1). Identifiers are
 * the strings sysfs prints ({@code "0x10de"}, {@code "0x030200"}); {@code null} means unknown.
 *
 * @param bdf domain:bus:device.function, e.g. {@code "0000:17:00.0"}
 * @param parent the upstream bridge's BDF, from the nesting of the device path; null on a root bus
 * @param hostBridge the root bus the function hangs below, e.g. {@code "pci0000:16"}
 * @param vendorId vendor ID ({@code vendor})
 * @param deviceId device ID ({@code device})
 * @param subsystemVendorId subsystem vendor ID
 * @param subsystemDeviceId subsystem device ID
 * @param classCode 24-bit class code ({@code class})
 * @param revision revision ID ({@code revision})
 * @param vendorName vendor name from the pci.ids database
 * @param deviceName device name from the pci.ids database
 * @param kind what the function is
 * @param portType PCIe port type
 * @param portTypeSource {@code "config"} (PCIe capability) or {@code "inferred"} (from the tree)
 * @param driver bound driver (text of the {@code driver} link), null when unbound or unknown
 * @param numaNode NUMA node, null when unknown ({@code -1} in sysfs)
 * @param localCpulist CPUs near the function ({@code local_cpulist})
 * @param iommu IOMMU group and its type, null without IOMMU
 * @param sriov SR-IOV links (PF to VFs, VF to PF), null when neither
 * @param p2pmem the P2PDMA pool the function publishes (§2.7), null when absent
 * @param link link state of the function and its upstream port (§5)
 * @param acs ACS capability and control (§3)
 * @param config what the readable config space says (MPS, MRRS, ATS)
 */
@JsonPropertyOrder({
  "bdf",
  "parent",
  "hostBridge",
  "vendorId",
  "deviceId",
  "subsystemVendorId",
  "subsystemDeviceId",
  "classCode",
  "revision",
  "vendorName",
  "deviceName",
  "kind",
  "portType",
  "portTypeSource",
  "driver",
  "numaNode",
  "localCpulist",
  "iommu",
  "sriov",
  "p2pmem",
  "link",
  "acs",
  "config"
})
public record PciFunction(
    String bdf,
    String parent,
    String hostBridge,
    String vendorId,
    String deviceId,
    String subsystemVendorId,
    String subsystemDeviceId,
    String classCode,
    String revision,
    String vendorName,
    String deviceName,
    DeviceKind kind,
    PortType portType,
    String portTypeSource,
    String driver,
    Integer numaNode,
    String localCpulist,
    Iommu iommu,
    Sriov sriov,
    P2pMem p2pmem,
    PciLink link,
    Acs acs,
    ConfigInfo config) {

  /** A copy with another kind. */
  public PciFunction withKind(DeviceKind newKind) {
    return withKindAndPortType(newKind, portType);
  }

  /** A copy with another kind and port type (importers classify after building the tree). */
  public PciFunction withKindAndPortType(DeviceKind newKind, PortType newPortType) {
    PciFunctionDraft d = PciFunctionDraft.of(this);
    d.kind = newKind;
    d.portType = newPortType;
    return d.build();
  }

  /** A copy with another parent. */
  public PciFunction withParent(String newParent) {
    PciFunctionDraft d = PciFunctionDraft.of(this);
    d.parent = newParent;
    return d.build();
  }

  /** A copy with another link. */
  public PciFunction withLink(PciLink newLink) {
    PciFunctionDraft d = PciFunctionDraft.of(this);
    d.link = newLink;
    return d.build();
  }

  /** A copy with other ACS state. */
  public PciFunction withAcs(Acs newAcs) {
    PciFunctionDraft d = PciFunctionDraft.of(this);
    d.acs = newAcs;
    return d.build();
  }

  /** A copy with another P2PDMA pool. */
  public PciFunction withP2pMem(P2pMem newP2pMem) {
    PciFunctionDraft d = PciFunctionDraft.of(this);
    d.p2pmem = newP2pMem;
    return d.build();
  }

  /** {@code portTypeSource} when the port type was read from the PCIe capability. */
  public static final String FROM_CONFIG = "config";

  /** {@code portTypeSource} when the port type was inferred from the tree's structure. */
  public static final String INFERRED = "inferred";

  /**
   * IOMMU group ({@code iommu_group} link, p2p-rules.md §2.9).
   *
   * @param group group number
   * @param type the group's {@code type}: DMA, DMA-FQ, identity, blocked, unmanaged; null if
   *     unknown
   */
  public record Iommu(int group, String type) {}

  /**
   * SR-IOV relations.
   *
   * @param physfn the PF's BDF when this function is a VF
   * @param virtfns the VFs' BDFs when this function is a PF (from {@code virtfnN}, in N order)
   * @param totalVfs {@code sriov_totalvfs}
   * @param numVfs {@code sriov_numvfs}
   */
  public record Sriov(String physfn, List<String> virtfns, Integer totalVfs, Integer numVfs) {
    public Sriov {
      virtfns = virtfns == null ? List.of() : List.copyOf(virtfns);
    }
  }

  /**
   * The P2PDMA pool ({@code p2pmem/}, p2p-rules.md §2.7).
   *
   * @param sizeBytes {@code size}
   * @param availableBytes {@code available}
   * @param published {@code published}: only published memory is offered to other drivers
   */
  public record P2pMem(Long sizeBytes, Long availableBytes, Boolean published) {}

  /**
   * Facts from config space: the bridge bus range from the 64-byte header, the rest from beyond it
   * (root only, p2p-rules.md §6.4).
   *
   * @param bytesReadable how many bytes of {@code config} could be read (64 without root)
   * @param pcieCapability whether a PCI Express capability was found (null when unknown)
   * @param mpsBytes Max Payload Size in effect (DevCtl), bytes
   * @param mpsSupportedBytes Max Payload Size supported (DevCap), bytes
   * @param mrrsBytes Max Read Request Size (DevCtl), bytes
   * @param ats the ATS capability, null when absent or unknown
   * @param secondaryBus a bridge's secondary bus number (type 1 header, offset 0x19; within the 64
   *     bytes readable without root), null for other functions or when unknown
   * @param subordinateBus a bridge's subordinate bus number (offset 0x1a): the bus range hwloc
   *     writes as {@code bridge_pci="dddd:[secondary-subordinate]"}
   */
  public record ConfigInfo(
      Integer bytesReadable,
      Boolean pcieCapability,
      Integer mpsBytes,
      Integer mpsSupportedBytes,
      Integer mrrsBytes,
      Ats ats,
      Integer secondaryBus,
      Integer subordinateBus) {

    /** Config facts of a function whose bus range is not known (or that is no bridge). */
    public ConfigInfo(
        Integer bytesReadable,
        Boolean pcieCapability,
        Integer mpsBytes,
        Integer mpsSupportedBytes,
        Integer mrrsBytes,
        Ats ats) {
      this(bytesReadable, pcieCapability, mpsBytes, mpsSupportedBytes, mrrsBytes, ats, null, null);
    }
  }

  /**
   * Address Translation Services (extended capability 0x000F).
   *
   * @param enabled ATS Control Enable bit
   * @param stu Smallest Translation Unit exponent
   */
  public record Ats(boolean enabled, int stu) {}
}
