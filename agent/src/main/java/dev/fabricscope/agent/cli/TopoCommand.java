package dev.fabricscope.agent.cli;

import dev.fabricscope.p2p.P2pMatrix;
import dev.fabricscope.p2p.TopoText;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.text.TerminalText;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code topo [--input PATH] [--format text|json]}: P2P verdicts for every pair of GPUs, NICs/HCAs,
 * NVMe and accelerators, as an nvidia-smi-style matrix plus kernel verdicts, or as JSON.
 */
public final class TopoCommand implements Callable<Integer> {

  private final CommandSpec spec;
  private final PrintStream out;

  /** The command printing to {@code out}. */
  public TopoCommand(PrintStream out) {
    this.out = out;
    this.spec =
        CliSpecs.command(
            this,
            "topo",
            "P2P verdicts for every device pair (nvidia-smi style matrix or JSON).",
            "GPUs, NICs/HCAs, NVMe and accelerators: the nvidia-smi topo -m style matrix with the"
                + " kernel P2PDMA and NCCL verdicts, or JSON.");
    spec.addOption(CliSpecs.input());
    spec.addOption(
        CliSpecs.option("--format", "FORMAT", String.class, "text (default) or json")
            .completionCandidates(new TextOrJson())
            .build());
    spec.addOption(CliSpecs.help());
  }

  /** The command's picocli spec ({@link CliSpecs}). */
  CommandSpec spec() {
    return spec;
  }

  @Override
  public Integer call() {
    String formatName = CliSpecs.value(spec, "--format");
    String format = formatName == null ? "text" : formatName;
    if (!format.equals("text") && !format.equals("json")) {
      throw new UsageException(
          "--format must be text or json, not '" + CliErrors.printable(format) + "'");
    }
    String input = CliSpecs.inputGiven(spec);
    Report report = Inputs.load(input);
    P2pMatrix m = MatrixBound.analyzer(report, "topo", MatrixBound.where(input)).matrix();
    if (format.equals("json")) {
      try {
        out.println(ReportJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    } else {
      out.print(TerminalText.escape(TopoText.render(m, report)));
    }
    out.flush();
    return 0;
  }
}
