package dev.fabricscope.agent.cli;

import dev.fabricscope.planner.PairingTopology;
import dev.fabricscope.planner.Pattern;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.planner.Planner;
import dev.fabricscope.planner.PlannerLimitException;
import dev.fabricscope.text.TerminalText;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code plan --input PATH --pattern P [--format text|json]}: the GPU↔NIC↔NVMe pairing and the
 * max-min fair rate of every flow of a pattern over the host's shared links (issue 13).
 */
public final class PlanCommand implements Callable<Integer> {

  private final CommandSpec spec;
  private final PrintStream out;

  /** The command printing to {@code out}. */
  public PlanCommand(PrintStream out) {
    this.out = out;
    this.spec =
        CliSpecs.command(
            this,
            "plan",
            "Pairing and predicted rates of concurrent flows (GPU to NIC, host, GPU, NVMe).",
            "Pairs every GPU with a NIC port and an NVMe by path class, runs the pattern's flows at"
                + " once and prints each flow's max-min fair GB/s with its bottleneck link, and"
                + " every link's load per direction.");
    spec.addOption(CliSpecs.input());
    spec.addOption(
        CliSpecs.option(
                "--pattern",
                "PATTERN",
                String.class,
                "gpu-to-nic, gpu-to-host, gpu-all-to-all or nvme-to-gpu")
            .required(true)
            .completionCandidates(new Patterns())
            .build());
    spec.addOption(
        CliSpecs.option(
                "--format",
                "FORMAT",
                String.class,
                "text (default), json, or nccl-xml (the pairing as NCCL_TOPO_FILE)")
            .completionCandidates(new PlanFormats())
            .build());
    spec.addOption(
        CliSpecs.option(
                "--inter-socket-gbps",
                "GBPS",
                Double.class,
                "inter-socket capacity per direction (default: by CPU family)")
            .build());
    spec.addOption(
        CliSpecs.option(
                "--memory-gbps",
                "GBPS",
                Double.class,
                "host memory bandwidth per NUMA node and direction (default: 60.09, a measured"
                    + " host memory copy; see LinkRates)")
            .build());
    spec.addOption(CliSpecs.help());
  }

  /** The command's picocli spec ({@link CliSpecs}). */
  CommandSpec spec() {
    return spec;
  }

  @Override
  public Integer call() {
    String patternName = CliSpecs.value(spec, "--pattern");
    String formatName = CliSpecs.value(spec, "--format");
    Double interSocketGBps = CliSpecs.value(spec, "--inter-socket-gbps");
    Double memoryGBps = CliSpecs.value(spec, "--memory-gbps");
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
    // a user's override: PlanOptions' documented range (a subnormal 7e-321 once ended in
    // "internal error"), stricter than the constructor, which also takes measurements
    if (!PlanOptions.overrideInRange(interSocketGBps) || !PlanOptions.overrideInRange(memoryGBps)) {
      throw new UsageException(
          "--inter-socket-gbps and --memory-gbps take GB/s from 0.001 to below 1000000");
    }
    PlanOptions options = new PlanOptions(interSocketGBps, memoryGBps);
    Report report = Inputs.load(CliSpecs.inputGiven(spec));
    PlanResult plan;
    try {
      plan = new Planner(report).plan(pattern, options);
    } catch (PlannerLimitException e) {
      // a pattern this host cannot be planned for within the planner's bounds (flows, pairs or
      // link visits), refused before the costly part
      throw new UsageException(e.getMessage());
    }
    out.print(
        switch (format) {
          case "json" -> PlanText.json(plan);
          case "nccl-xml" -> PairingTopology.ncclXml(report, plan.pairing());
          default -> TerminalText.escape(PlanText.text(plan, pattern));
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
