package dev.fabricscope.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fabricscope.agent.nvml.NvmlReader;
import dev.fabricscope.agent.nvml.NvmlSnapshot;
import dev.fabricscope.report.ReportJson;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code nvml}: what the NVIDIA driver answers on this host through NVML, as JSON (the fields the
 * report's {@code gpus[].nvml} carries, keyed by bus id) — to compare with {@code nvidia-smi -q}.
 * Exit 0 with {@code "absent"} set when NVML cannot answer: that is a finding, not a failure.
 */
@Command(
    name = "nvml",
    header = "What the NVIDIA driver answers (NVML), as JSON.",
    description = {
      "Every NVIDIA GPU the driver knows, by bus id: the fields collect puts in gpus[].nvml."
          + " Without the driver or its library: {\"gpus\": {}, \"absent\": why}, exit 0."
    })
public final class NvmlCommand implements Callable<Integer> {

  @Mixin HelpOption help;

  private final PrintStream out;

  /** The command printing to {@code out}. */
  public NvmlCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
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
