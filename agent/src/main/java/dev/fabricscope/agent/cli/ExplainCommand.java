package dev.fabricscope.agent.cli;

import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.ExplainText;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code explain [--input PATH] A B}: the full reasoning for one pair (BDFs or device names). */
@Command(
    name = "explain",
    sortOptions = false,
    header = "The full reasoning for one pair of devices.",
    description = {"A and B: a BDF (0000:17:00.0) or a device name (mlx5_0, nvme0)."})
public final class ExplainCommand implements Callable<Integer> {

  @Option(
      names = "--input",
      paramLabel = "PATH",
      description = {
        "A fsroot, gathered archive, report JSON, hwloc XML, NCCL XML or lspci text",
        "(default: this host)"
      })
  Path input;

  // counted below, not by picocli's arity: the message names what is expected
  @Parameters(
      arity = "0..*",
      paramLabel = "A B",
      hideParamSyntax = true,
      description = "The two devices")
  List<String> devices = new ArrayList<>();

  @Mixin HelpOption help;

  private final PrintStream out;

  /** The command printing to {@code out}. */
  public ExplainCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    if (devices.size() != 2) {
      throw new UsageException("explain needs two devices (BDF or name), e.g. 0000:17:00.0 mlx5_0");
    }
    Report report = Inputs.load(input == null ? null : input.toString());
    P2pAnalyzer an = new P2pAnalyzer(report);
    Device a = an.find(devices.get(0));
    Device b = an.find(devices.get(1));
    for (int i = 0; i < 2; i++) {
      if ((i == 0 ? a : b) == null) {
        throw new UsageException(
            "no device '" + devices.get(i) + "' in " + (input == null ? "this host" : input));
      }
    }
    out.print(ExplainText.render(an.pair(a, b), a, b, report));
    out.flush();
    return 0;
  }
}
