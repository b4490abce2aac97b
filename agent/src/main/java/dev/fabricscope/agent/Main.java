package dev.fabricscope.agent;

import dev.fabricscope.agent.cli.Cli;
import java.io.PrintStream;

/**
 * {@code java -jar fabricscope-agent.jar <command>}: the host agent's command line ({@link Cli}).
 * Exit codes: 0 ok, 1 the operation failed or cannot run here, 2 bad usage or bad input (one line
 * on stderr, never a stack trace).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command; returns the exit code (0 ok, 1 failed, 2 bad input). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return Cli.run(args, out, err);
  }
}
