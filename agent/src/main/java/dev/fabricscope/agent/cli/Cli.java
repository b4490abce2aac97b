package dev.fabricscope.agent.cli;

import dev.fabricscope.agent.bandwidth.BandwidthHelpers;
import dev.fabricscope.agent.run.RunCommand;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

  /**
   * The file name that stands for standard input ({@code --input}) or output ({@code --output}).
   */
  static final String STANDARD_STREAM = "-";

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
      return commandLine(args, out, err, helpers).execute(args);
    } catch (OutOfMemoryError e) {
      if (args.length > 0 && args[0].equals("run")) {
        // the service's own state, not an input of the user's: a failure its manager restarts
        err.println(
            NAME
                + ": run: out of memory (heap "
                + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB): stopping; give it more (JAVA_OPTS=-Xmx...)");
        return FAILED;
      }
      // a valid input too large for this heap (the seventh review: topo of 2,000 devices in 512
      // MiB): the matrix is garbage once thrown, so there is room to say so in one line
      err.println(
          NAME
              + ": out of memory: the input is too large for this JVM's heap ("
              + (Runtime.getRuntime().maxMemory() >> 20)
              + " MiB); give it more (java -Xmx...) or a smaller input");
      return BAD_INPUT;
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
    return commandLine(new String[0], out, err, helpers);
  }

  /**
   * The tree for {@code args}: when the first argument names a working command, the root gets only
   * that one. picocli reads every annotated command's annotations by reflection when it is added,
   * about 40 ms of a cold start for the six not used (the top command and the short ones are built
   * without annotations, {@link CliSpecs}); the usage listing, {@code help} and {@code completion}
   * (and any other first argument, for the "unknown command" message) get the whole tree.
   */
  static CommandLine commandLine(
      String[] args, PrintStream out, PrintStream err, Supplier<BandwidthHelpers> helpers) {
    skipUnusedConverters();
    CommandLine root = new CommandLine(new AgentCommand(err).spec());
    String first = args.length == 0 ? "" : args[0];
    List<Object> commands =
        switch (first) {
          case "collect" -> List.of(new CollectCommand(out));
          case "gather" -> List.of(new GatherCommand(out, err));
          case "topo" -> List.of(new CommandLine(new TopoCommand(out).spec()));
          case "explain" -> List.of(new CommandLine(new ExplainCommand(out).spec()));
          case "plan" -> List.of(new CommandLine(new PlanCommand(out).spec()));
          case "nvml" -> List.of(new NvmlCommand(out));
          case "bandwidth" -> List.of(new BandwidthCommand(out, err, helpers));
          case "run" -> List.of(new RunCommand(err, helpers));
          // the version alone needs no command below the top one (picocli answers it first)
          case "--version", "-V" -> args.length == 1 ? List.of() : everyCommand(out, err, helpers);
          default -> everyCommand(out, err, helpers);
        };
    commands.forEach(root::addSubcommand);
    return configure(root, out, err);
  }

  /** The whole tree: for the usage listing, {@code help}, {@code completion} and messages. */
  private static List<Object> everyCommand(
      PrintStream out, PrintStream err, Supplier<BandwidthHelpers> helpers) {
    return List.of(
        new CollectCommand(out),
        new GatherCommand(out, err),
        new CommandLine(new TopoCommand(out).spec()),
        new CommandLine(new ExplainCommand(out).spec()),
        new CommandLine(new PlanCommand(out).spec()),
        new NvmlCommand(out),
        new BandwidthCommand(out, err, helpers),
        new RunCommand(err, helpers),
        new CompletionCommand(out),
        new CommandLine.HelpCommand());
  }

  /**
   * picocli's first command line registers a converter for every java.time and java.sql type by
   * reflection, which initialises java.time's formatters and loads the java.sql module: about 6 ms
   * of every cold start (issue 11). No option here has such a type, so they are left out through
   * picocli's own setting, unless the caller set it.
   */
  static void skipUnusedConverters() {
    if (System.getProperty(CONVERTER_EXCLUDES) == null) {
      System.setProperty(CONVERTER_EXCLUDES, "java[.](sql|time)[.].*");
    }
  }

  /** The system property picocli reads: regular expressions of types not to convert, by commas. */
  static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

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
