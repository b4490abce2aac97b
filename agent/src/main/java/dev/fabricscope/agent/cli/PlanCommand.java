package dev.fabricscope.agent.cli;

import dev.fabricscope.planner.PairingTopology;
import dev.fabricscope.planner.Pattern;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.planner.Planner;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code plan --input PATH --pattern P [--format text|json]}: the GPU↔NIC↔NVMe pairing and the
 * max-min fair rate of every flow of a pattern over the host's shared links (issue 13).
 */
@Command(
    name = "plan",
    sortOptions = false,
    header = "Pairing and predicted rates of concurrent flows (GPU to NIC, host, GPU, NVMe).",
    description = {
      "Pairs every GPU with a NIC port and an NVMe by path class, runs the pattern's flows at"
          + " once and prints each flow's max-min fair GB/s with its bottleneck link, and every"
          + " link's load per direction."
    })
public final class PlanCommand implements Callable<Integer> {

  @Option(
      names = "--input",
      paramLabel = "PATH",
      description = {
        "A fsroot, gathered archive, report JSON, hwloc XML, NCCL XML or lspci text",
        "(default: this host; - reads standard input)"
      })
  Path input;

  @Option(
      names = "--pattern",
      required = true,
      paramLabel = "PATTERN",
      completionCandidates = Patterns.class,
      description = "gpu-to-nic, gpu-to-host, gpu-all-to-all or nvme-to-gpu")
  String patternName;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      completionCandidates = PlanFormats.class,
      description = "text (default), json, or nccl-xml (the pairing as NCCL_TOPO_FILE)")
  String formatName;

  @Option(
      names = "--inter-socket-gbps",
      paramLabel = "GBPS",
      description = "inter-socket capacity per direction (default: by CPU family)")
  Double interSocketGBps;

  @Option(
      names = "--memory-gbps",
      paramLabel = "GBPS",
      description =
          "host memory bandwidth per NUMA node and direction (default: 60.09, a measured host"
              + " memory copy; see LinkRates)")
  Double memoryGBps;

  @Mixin HelpOption help;

  private final PrintStream out;

  /** The command printing to {@code out}. */
  public PlanCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    Pattern pattern = Pattern.ofCliName(patternName);
    if (pattern == null) {
      throw new UsageException(
          "--pattern must be one of "
              + String.join(", ", new Patterns())
              + ", not '"
              + CliErrors.printable(patternName)
              + "'");
    }
    String format = formatName == null ? "text" : formatName;
    if (!format.equals("text") && !format.equals("json") && !format.equals("nccl-xml")) {
      throw new UsageException(
          "--format must be text, json or nccl-xml, not '" + CliErrors.printable(format) + "'");
    }
    PlanOptions options;
    try {
      options = new PlanOptions(interSocketGBps, memoryGBps);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--inter-socket-gbps and --memory-gbps take positive GB/s");
    }
    Report report = Inputs.load(input == null ? null : input.toString());
    PlanResult plan = new Planner(report).plan(pattern, options);
    out.print(
        switch (format) {
          case "json" -> PlanText.json(plan);
          case "nccl-xml" -> PairingTopology.ncclXml(report, plan.pairing());
          default -> PlanText.text(plan, pattern);
        });
    out.flush();
    return 0;
  }

  /** The values of {@code --format}, for shell completion. */
  static final class PlanFormats implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("text", "json", "nccl-xml").iterator();
    }
  }

  /** The values of {@code --pattern}, for shell completion and messages. */
  static final class Patterns implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(Pattern.values()).map(Pattern::cliName).iterator();
    }
  }
}
