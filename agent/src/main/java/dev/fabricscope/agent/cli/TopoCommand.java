package dev.fabricscope.agent.cli;

import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.P2pMatrix;
import dev.fabricscope.p2p.TopoText;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code topo [--input PATH] [--format text|json]}: P2P verdicts for every pair of GPUs, NICs/HCAs,
 * NVMe and accelerators, as an nvidia-smi-style matrix plus kernel verdicts, or as JSON.
 */
@Command(
    name = "topo",
    sortOptions = false,
    header = "P2P verdicts for every device pair (nvidia-smi style matrix or JSON).",
    description = {
      "GPUs, NICs/HCAs, NVMe and accelerators: the nvidia-smi topo -m style matrix with the"
          + " kernel P2PDMA and NCCL verdicts, or JSON."
    })
public final class TopoCommand implements Callable<Integer> {

  @Option(
      names = "--input",
      paramLabel = "PATH",
      description = {
        "A fsroot, gathered archive, report JSON, hwloc XML, NCCL XML or lspci text",
        "(default: this host; - reads standard input)"
      })
  Path input;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      completionCandidates = TextOrJson.class,
      description = "text (default) or json")
  String formatName;

  @Mixin HelpOption help;

  private final PrintStream out;

  /** The command printing to {@code out}. */
  public TopoCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    String format = formatName == null ? "text" : formatName;
    if (!format.equals("text") && !format.equals("json")) {
      throw new UsageException(
          "--format must be text or json, not '" + CliErrors.printable(format) + "'");
    }
    Report report = Inputs.load(input == null ? null : input.toString());
    P2pMatrix m = new P2pAnalyzer(report).matrix();
    if (format.equals("json")) {
      try {
        out.println(ReportJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    } else {
      out.print(TopoText.render(m, report));
    }
    out.flush();
    return 0;
  }
}
