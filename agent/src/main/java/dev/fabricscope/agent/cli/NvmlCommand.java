package dev.fabricscope.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fabricscope.agent.nvml.NvmlReader;
import dev.fabricscope.agent.nvml.NvmlSnapshot;
import dev.fabricscope.report.ReportJson;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code nvml}: what the NVIDIA driver answers on this host through NVML, as JSON (the fields the
 * report's {@code gpus[].nvml} carries, keyed by bus id) — to compare with {@code nvidia-smi -q}.
 * Exit 0 with {@code "absent"} set when NVML cannot answer: that is a finding, not a failure.
 */
public final class NvmlCommand {

  /** Runs the command; returns the exit code. */
  public int run(List<String> args, PrintStream out) {
    new Options(args, Set.of(), Set.of());
    NvmlSnapshot s = new NvmlReader().read();
    try {
      out.println(ReportJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(s));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.flush();
    return 0;
  }
}
