package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The Linux kernel's P2PDMA map types a verdict can have (p2p-rules.md §2.1, {@code enum
 * pci_p2pdma_map_type} in include/linux/pci-p2pdma.h, in the kernel's order). The kernel's UNKNOWN
 * (not computed yet) and NONE (not P2P memory at all) are never a pair's answer and are left out.
 * JSON carries the kernel's name.
 */
public enum MapType {
  /** The path crosses a host bridge that is not allowed: mapping fails (-EREMOTEIO). */
  NOT_SUPPORTED,
  /** The TLPs stay below a common bridge and never reach the host bridge. */
  BUS_ADDR,
  /** Peers can talk, through an allowed host bridge. */
  THRU_HOST_BRIDGE;

  /** Whether the kernel maps P2P memory for the pair at all. */
  public boolean allowed() {
    return this != NOT_SUPPORTED;
  }

  /** The kernel's name, as JSON and text print it. */
  @JsonValue
  public String json() {
    return name();
  }
}
