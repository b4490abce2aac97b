package dev.fabricscope.agent.nvml;

import dev.fabricscope.topology.NvmlGpu;
import java.util.Map;

/**
 * What NVML answered on this host: the GPUs by BDF, or why it could not answer.
 *
 * @param gpus each NVIDIA GPU the driver knows, keyed by report BDF ({@code 0000:00:06.0}), in the
 *     driver's order
 * @param absent null when NVML answered; else why not, in words ("libnvidia-ml not found", "Driver
 *     Not Loaded")
 */
public record NvmlSnapshot(Map<String, NvmlGpu> gpus, String absent) {

  /** NVML could not answer. */
  public static NvmlSnapshot absent(String why) {
    return new NvmlSnapshot(Map.of(), why);
  }
}
