package dev.fabricscope.agent.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The top command, {@code fabricscope-agent}: only its subcommands do anything; it answers {@code
 * --help} and {@code --version}, every subcommand {@code --help} ({@link HelpOption}). Without a
 * subcommand it prints its usage on stderr and exits 2, as before picocli: a script that forgot the
 * command must not look successful.
 */
public final class AgentCommand implements Callable<Integer> {

  private final CommandSpec spec;
  private final PrintStream err;

  /** The top command; its usage goes to {@code err} when no subcommand is given. */
  public AgentCommand(PrintStream err) {
    this.err = err;
    // built, not annotated: see CliSpecs
    this.spec =
        CommandSpec.wrapWithoutInspection(this).name(Cli.NAME).versionProvider(new AgentVersion());
    spec.usageMessage()
        .header("The fabricscope host agent: the PCIe, GPU and RDMA fabric of this host.")
        .sortOptions(false)
        .autoWidth(true)
        .synopsisSubcommandLabel("COMMAND")
        .commandListHeading("%nCommands:%n")
        .footerHeading("%n")
        .footer(
            "Run '" + Cli.NAME + " COMMAND --help' for a command's options.",
            "Exit codes: 0 ok; 1 the operation failed or cannot run here; 2 bad usage or bad input"
                + " (one line on stderr).");
    // picocli's standard help options, with its words
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .build());
    spec.addOption(
        OptionSpec.builder("-V", "--version")
            .versionHelp(true)
            .description("Print version information and exit.")
            .build());
  }

  /** The command's picocli spec. */
  CommandSpec spec() {
    return spec;
  }

  @Override
  public Integer call() {
    err.print(spec.commandLine().getUsageMessage());
    err.flush();
    return Cli.BAD_INPUT;
  }
}
