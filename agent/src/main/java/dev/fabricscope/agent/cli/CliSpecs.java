package dev.fabricscope.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The specs of the top command and the short commands ({@code topo}, {@code explain}, {@code
 * plan}), built with picocli's programmatic API instead of annotations (issue 11, cold start).
 * Reading annotations costs the first command line of a process about 30 ms on this machine: the
 * JDK's reflection and annotation parsing run cold, and a proxy class is generated for every
 * annotation type. The commands that run for seconds or more keep their annotations. The help these
 * specs print is the help the annotations printed ({@code CliTest}).
 */
final class CliSpecs {

  private CliSpecs() {}

  /**
   * A command: {@code call} runs it, {@code header} is its line in the command list, options are
   * listed in the order they are added. Add {@link #help()} last, where the mixin put it.
   */
  static CommandSpec command(
      Callable<Integer> call, String name, String header, String... description) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(call).name(name);
    spec.usageMessage().header(header).description(description).sortOptions(false);
    return spec;
  }

  /** {@code -h, --help}: the command's usage on stdout, exit 0 (as {@link HelpOption}). */
  static OptionSpec help() {
    return OptionSpec.builder("-h", "--help")
        .usageHelp(true)
        .description("Show this help and exit.")
        .build();
  }

  /** {@code --input PATH}, the same for every command that imports a host. */
  static OptionSpec input() {
    return OptionSpec.builder("--input")
        .paramLabel("PATH")
        .type(Path.class)
        .description(
            "A fsroot, gathered archive, report JSON, hwloc XML, NCCL XML or lspci text",
            "(default: this host; - reads standard input)")
        .build();
  }

  /** An option taking one value of {@code type}. */
  static OptionSpec.Builder option(String name, String label, Class<?> type, String description) {
    return OptionSpec.builder(name).paramLabel(label).type(type).description(description);
  }

  /** The value given for {@code option}, or null. */
  static <T> T value(CommandSpec spec, String option) {
    return spec.findOption(option).getValue();
  }

  /** {@link #value} of {@code --input} as the path text {@link Inputs} takes, or null. */
  static String inputGiven(CommandSpec spec) {
    Path p = value(spec, "--input");
    return p == null ? null : p.toString();
  }
}
