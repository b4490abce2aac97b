package dev.fabricscope.agent.nvml;

import dev.fabricscope.topology.NvmlMerge;
import dev.fabricscope.topology.Report;
import java.util.function.UnaryOperator;

/**
 * The discovery step that adds the driver's answers: NVML is the live host's, so it is read when
 * the tree is this host's ({@code /}, or a directory such as a container's {@code /host} mount) and
 * not for a gathered archive (another host, or this one at another time).
 */
public final class NvmlStep {

  private NvmlStep() {}

  /**
   * The step for a tree.
   *
   * @param archive the tree is an unpacked archive: nothing is added
   * @param off the operator turned NVML off ({@code --no-nvml}): nothing is added
   */
  public static UnaryOperator<Report> of(boolean archive, boolean off, NvmlReader reader) {
    if (archive || off) {
      return UnaryOperator.identity();
    }
    return r -> {
      NvmlSnapshot s = reader.read();
      return NvmlMerge.apply(r, s.gpus(), s.absent());
    };
  }
}
