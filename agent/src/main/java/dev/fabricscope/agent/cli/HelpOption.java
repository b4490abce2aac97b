package dev.fabricscope.agent.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} for a subcommand: its usage on stdout, exit 0. Mixed into every command. */
public final class HelpOption {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;
}
