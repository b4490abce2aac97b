package dev.fabricscope.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fabricscope.agent.isolation.IsolatedCall;
import dev.fabricscope.agent.nvml.IsolatedNvmlReader;
import dev.fabricscope.agent.nvml.NvmlSnapshot;
import dev.fabricscope.agent.run.Durations;
import dev.fabricscope.report.ReportJson;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nvml}: what the NVIDIA driver answers on this host through NVML, as JSON (the fields the
 * report's {@code gpus[].nvml} carries, keyed by bus id) — to compare with {@code nvidia-smi -q}.
 * Exit 0 with {@code "absent"} set when NVML cannot answer: that is a finding, not a failure. NVML
 * is asked in a child JVM ({@link IsolatedNvmlReader}), so a hanging driver ends in {@code
 * --driver-timeout} and a crashing one is a reason, not a dead command.
 */
@Command(
    name = "nvml",
    header = "What the NVIDIA driver answers (NVML), as JSON.",
    description = {
      "Every NVIDIA GPU the driver knows, by bus id: the fields collect puts in gpus[].nvml."
          + " Without the driver or its library: {\"gpus\": {}, \"absent\": why}, exit 0."
    })
public final class NvmlCommand implements Callable<Integer> {

  @Option(
      names = "--driver-timeout",
      paramLabel = "D",
      description = "How long NVML may take to answer (30s); asked in a child process")
  String driverTimeout;

  @Mixin HelpOption help;

  private final PrintStream out;

  /** The command printing to {@code out}. */
  public NvmlCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    NvmlSnapshot s = new IsolatedNvmlReader(driverTimeout(driverTimeout)).get();
    try {
      out.println(ReportJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(s));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.flush();
    return 0;
  }

  /** {@code --driver-timeout}, checked: a positive duration (30s when not given). */
  static java.time.Duration driverTimeout(String value) {
    java.time.Duration d;
    try {
      d = value == null ? IsolatedCall.DEFAULT_DEADLINE : Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--driver-timeout: " + e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw new UsageException("--driver-timeout must be more than 0");
    }
    return d;
  }
}
