package dev.fabricscope.agent.nvml;

import dev.fabricscope.topology.NvmlMerge;
import dev.fabricscope.topology.Report;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The discovery step that adds the driver's answers: NVML is the live host's, so it is read when
 * the tree is this host's ({@code /}, or a directory such as a container's {@code /host} mount) and
 * not for a gathered archive (another host, or this one at another time).
 */
public final class NvmlStep {

  private NvmlStep() {}

  /**
   * Whether to ask NVML for a tree.
   *
   * @param live the tree is {@code /}
   * @param on {@code --nvml}: the tree is this host's, wherever it is mounted
   * @param off {@code --no-nvml}
   * @throws IllegalArgumentException when both flags are given
   */
  public static boolean ask(boolean live, boolean on, boolean off) {
    if (on && off) {
      throw new IllegalArgumentException("--nvml and --no-nvml exclude each other");
    }
    return on || (live && !off);
  }

  /**
   * The step: the driver's answers when {@code ask}, else the report as discovered.
   *
   * @param reader where the answers come from: {@link IsolatedNvmlReader} in every command, so a
   *     hanging or crashing driver is a diagnostic
   */
  public static UnaryOperator<Report> of(boolean ask, Supplier<NvmlSnapshot> reader) {
    if (!ask) {
      return UnaryOperator.identity();
    }
    return r -> {
      NvmlSnapshot s = reader.get();
      return NvmlMerge.apply(r, s.gpus(), s.absent());
    };
  }
}
