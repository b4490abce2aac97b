package dev.fabricscope.topology;

import com.fasterxml.jackson.annotation.JsonValue;

/** The PCIe device/port type (PCIe capability register bits 7:4, p2p-rules.md §6.2 and §6.4). */
public enum PortType {
  ROOT_PORT("root-port"),
  SWITCH_UPSTREAM("switch-upstream"),
  SWITCH_DOWNSTREAM("switch-downstream"),
  ENDPOINT("endpoint"),
  RC_INTEGRATED("rc-integrated"),
  PCI_BRIDGE("pci-bridge"),
  UNKNOWN("unknown");

  private final String json;

  PortType(String json) {
    this.json = json;
  }

  @JsonValue
  public String json() {
    return json;
  }

  /**
   * Whether the port faces downstream (root port, switch downstream port): its link registers and
   * sysfs link files describe the link to its child, not a link above it (p2p-rules.md §5.2: a link
   * is a device and its upstream port, read at the device).
   */
  public boolean facesDownstream() {
    return this == ROOT_PORT || this == SWITCH_DOWNSTREAM;
  }

  /**
   * Maps the PCIe capability's device/port type field.
   *
   * @param type bits 7:4 of the PCI Express Capabilities register
   */
  public static PortType fromPcieType(int type) {
    return switch (type) {
      case 0, 1 -> ENDPOINT; // PCIe endpoint, legacy endpoint
      case 4 -> ROOT_PORT;
      case 5 -> SWITCH_UPSTREAM;
      case 6 -> SWITCH_DOWNSTREAM;
      case 7, 8 -> PCI_BRIDGE; // PCIe-to-PCI and PCI-to-PCIe bridges
      case 9, 10 -> RC_INTEGRATED; // RCiEP, RC event collector
      default -> UNKNOWN;
    };
  }
}
