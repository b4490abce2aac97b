package dev.fabricscope.topology;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a PCI function is, from its class code and port type (p2p-rules.md §6.1). */
public enum DeviceKind {
  GPU("gpu"),
  NIC("nic"),
  RDMA("rdma"),
  NVME("nvme"),
  ACCELERATOR("accelerator"),
  SWITCH_PORT("switch-port"),
  BRIDGE("bridge"),
  OTHER("other");

  private final String json;

  DeviceKind(String json) {
    this.json = json;
  }

  @JsonValue
  public String json() {
    return json;
  }
}
