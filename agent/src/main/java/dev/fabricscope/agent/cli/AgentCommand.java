package dev.fabricscope.agent.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top command, {@code fabricscope-agent}: only its subcommands do anything; it answers {@code
 * --help} and {@code --version}, every subcommand {@code --help} ({@link HelpOption}). Without a
 * subcommand it prints its usage on stderr and exits 2, as before picocli: a script that forgot the
 * command must not look successful.
 */
@Command(
    name = Cli.NAME,
    mixinStandardHelpOptions = true,
    versionProvider = AgentVersion.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    header = "The fabricscope host agent: the PCIe, GPU and RDMA fabric of this host.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    footerHeading = "%n",
    footer = {
      "Run '" + Cli.NAME + " COMMAND --help' for a command's options.",
      "Exit codes: 0 ok; 1 the operation failed or cannot run here; 2 bad usage or bad input"
          + " (one line on stderr)."
    })
public final class AgentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  private final PrintStream err;

  /** The top command; its usage goes to {@code err} when no subcommand is given. */
  public AgentCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    err.print(spec.commandLine().getUsageMessage());
    err.flush();
    return Cli.BAD_INPUT;
  }
}
