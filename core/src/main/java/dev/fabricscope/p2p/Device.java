package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.fabricscope.topology.DeviceKind;

/**
 * A device in a P2P matrix: a PCI function, or an RDMA device that moves data in software on top of
 * one (rxe/siw on a NIC: same BDF, different verdict, p2p-rules.md §2.6).
 *
 * @param bdf the PCI function
 * @param kind what it is
 * @param name a short name: the RDMA device (mlx5_0, rxe0), else the pci.ids device name
 * @param rdma the RDMA device name when this entry is a software RDMA device on {@code bdf}, else
 *     null
 */
public record Device(
    String bdf,
    DeviceKind kind,
    String name,
    @JsonInclude(JsonInclude.Include.NON_NULL) String rdma) {

  /** The key that tells two entries on one function apart. */
  public String key() {
    return rdma == null ? bdf : bdf + "/" + rdma;
  }
}
