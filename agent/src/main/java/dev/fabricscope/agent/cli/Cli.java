package dev.fabricscope.agent.cli;

import dev.fabricscope.agent.bandwidth.BandwidthHelpers;
import dev.fabricscope.agent.run.RunCommand;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The agent's command tree (picocli) with this project's rules: exit 0 ok, 1 the operation failed
 * or cannot run here, 2 bad usage or bad input, printed as one line on stderr ({@link CliErrors}),
 * never a stack trace. Every argument is hostile until checked: {@code @file} expansion is off (it
 * would read any file the agent can read into the arguments), options are never abbreviated, and
 * the commands check every value themselves as before.
 */
public final class Cli {

  /** The command's name in usage, messages and the completion script. */
  public static final String NAME = "fabricscope-agent";

  /** Exit code: the operation failed or cannot run on this host. */
  public static final int FAILED = 1;

  /** Exit code: bad usage or bad input. */
  public static final int BAD_INPUT = 2;

  private Cli() {}

  /** Runs {@code args}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, BandwidthHelpers::standard);
  }

  /** As {@link #run(String[], PrintStream, PrintStream)}, with the bandwidth helpers given. */
  public static int run(
      String[] args, PrintStream out, PrintStream err, Supplier<BandwidthHelpers> helpers) {
    try {
      return commandLine(out, err, helpers).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * The command tree writing to {@code out} and {@code err}. The bandwidth helpers are created only
   * by the commands that use them: start-up of the other commands stays short.
   */
  public static CommandLine commandLine(
      PrintStream out, PrintStream err, Supplier<BandwidthHelpers> helpers) {
    CommandLine root = new CommandLine(new AgentCommand(err));
    root.addSubcommand(new CollectCommand(out));
    root.addSubcommand(new GatherCommand(out));
    root.addSubcommand(new TopoCommand(out));
    root.addSubcommand(new ExplainCommand(out));
    root.addSubcommand(new BandwidthCommand(out, err, helpers));
    root.addSubcommand(new RunCommand(err, helpers));
    root.addSubcommand(new CompletionCommand(out));
    root.addSubcommand("help", new CommandLine.HelpCommand());
    return configure(root, out, err);
  }

  /** The rules above, for a tree or a single command (tests parse one command alone). */
  static CommandLine configure(CommandLine cl, PrintStream out, PrintStream err) {
    // picocli applies these to the commands added so far: call after adding every subcommand
    cl.setExpandAtFiles(false);
    cl.setAbbreviatedOptionsAllowed(false);
    cl.setAbbreviatedSubcommandsAllowed(false);
    cl.setOverwrittenOptionsAllowed(false);
    cl.setUnmatchedArgumentsAllowed(false);
    cl.setTrimQuotes(false);
    cl.setOut(writer(out));
    cl.setErr(writer(err));
    cl.setParameterExceptionHandler(new CliErrors(err));
    cl.setExecutionExceptionHandler(new CliErrors(err));
    return cl;
  }

  private static PrintWriter writer(PrintStream s) {
    return new PrintWriter(new OutputStreamWriter(s, StandardCharsets.UTF_8), true);
  }
}
