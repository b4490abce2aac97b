package dev.fabricscope.planner;

import java.util.Locale;

/** The ready-made flow sets of a plan (issue 13). */
public enum Pattern {
  /** Every GPU to the network through its paired NIC port (GPUDirect RDMA). */
  GPU_TO_NIC,
  /** Every GPU to host memory of its NUMA node. */
  GPU_TO_HOST,
  /** Every GPU to every other GPU at once (P2P: NVLink where there is one, else PCIe). */
  GPU_ALL_TO_ALL,
  /** Every GPU's paired NVMe to the GPU (GPUDirect Storage style). */
  NVME_TO_GPU;

  /** The command-line name: {@code gpu-to-nic}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The pattern of a command-line name; null when there is none. */
  public static Pattern ofCliName(String name) {
    for (Pattern p : values()) {
      if (p.cliName().equals(name)) {
        return p;
      }
    }
    return null;
  }
}
