package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * NCCL's path types in NCCL's order (p2p-rules.md §4.2, planner-facts.md §1.3: {@code
 * src/include/graph.h} of NCCL 2.30.7): the ordinal is NCCL's value, so comparisons are NCCL's
 * ({@code path <= limit}). Note P2C sits between PXB and PXN. JSON carries NCCL's name.
 */
public enum NcclPath {
  /** Same device. */
  LOC,
  /** Direct NVLink. */
  NVL,
  /** NVLink through one intermediate GPU. */
  NVB,
  /** Chip-to-chip link GPU↔CPU (Grace). */
  C2C,
  /** At most one PCIe switch (one NCCL "PCI" node). */
  PIX,
  /** Several PCIe switches, no host bridge. */
  PXB,
  /** GPU to CPU over C2C, then PCIe to the NIC. */
  P2C,
  /** GPU to NIC through an NVLink peer GPU close to the NIC. */
  PXN,
  /** Through a PCIe host bridge / CPU of one NUMA node. */
  PHB,
  /** Across the inter-NUMA interconnect. */
  SYS,
  /** Through the network. */
  NET,
  /** Disconnected. */
  DIS;

  /** Whether this path is at most {@code limit} in NCCL's order. */
  public boolean atMost(NcclPath limit) {
    return compareTo(limit) <= 0;
  }

  /** NCCL's name, as JSON and text print it. */
  @JsonValue
  public String json() {
    return name();
  }
}
