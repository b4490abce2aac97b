package dev.fabricscope.topology;

/**
 * A GPU: a PCI function of class 0x03 (display/3D controller), listed on its own for quick access.
 *
 * @param pciFunction its BDF
 * @param vendorName vendor from pci.ids
 * @param deviceName model from pci.ids
 * @param driver bound driver
 * @param numaNode NUMA node, null when unknown
 */
public record Gpu(
    String pciFunction, String vendorName, String deviceName, String driver, Integer numaNode) {}
