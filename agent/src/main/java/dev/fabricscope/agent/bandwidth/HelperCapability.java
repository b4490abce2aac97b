package dev.fabricscope.agent.bandwidth;

import java.util.List;

/**
 * What detection found for one helper, as the agent reports it to the server.
 *
 * @param name helper name ({@link BandwidthHelper#name()})
 * @param present whether it can run on this host
 * @param version its version when present (library or program version), else null
 * @param devices what it can use: NUMA nodes ({@code numa:0}), GPUs ({@code gpu:0}), RDMA ports
 *     ({@code rdma:mlx5_0:1}); empty when absent
 * @param detail one line: where it was found, or why it is absent ({@code no CUDA driver on this
 *     host})
 */
public record HelperCapability(
    String name, boolean present, String version, List<String> devices, String detail) {

  public HelperCapability {
    devices = devices == null ? List.of() : List.copyOf(devices);
  }

  /** An absent helper with the reason. */
  public static HelperCapability absent(String name, String why) {
    return new HelperCapability(name, false, null, List.of(), why);
  }
}
