package dev.fabricscope.agent.cli;

import dev.fabricscope.text.TerminalText;
import java.io.PrintStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns what goes wrong into the agent's exit codes: a parse error or a refused value ({@link
 * UsageException}) is one line on stderr, {@code fabricscope-agent: ...}, and exit 2; anything else
 * is exit 1 with one line. picocli's own handler prints the message and the whole usage (many
 * lines); scripts and log collectors want one line, so the usage is only named ({@code try ...
 * --help}). Arguments are quoted through {@link #printable}: a hostile argument cannot add lines or
 * terminal escapes to the message.
 */
final class CliErrors
    implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {

  /** The longest message printed: an argument can be a megabyte long. */
  /** Long enough for the longest real message (a memory refusal over many NUMA nodes). */
  private static final int MAX_MESSAGE = 1000;

  private static final Pattern FLAG_WITH_VALUE =
      Pattern.compile("option '(--[a-z-]+)' should be specified without");

  private final PrintStream err;

  CliErrors(PrintStream err) {
    this.err = err;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    String help =
        cl.getParent() == null
            ? Cli.NAME + " --help"
            : cl.getCommandSpec().qualifiedName() + " --help";
    print(message(ex) + " (try: " + help + ")");
    return Cli.BAD_INPUT;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
    if (ex instanceof UsageException) {
      print(ex.getMessage());
      return Cli.BAD_INPUT;
    }
    print("internal error: " + ex);
    return Cli.FAILED;
  }

  /** What was wrong, in the words the agent used before picocli where it had words for it. */
  static String message(ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      if (arg.startsWith("-")) {
        List<String> near = u.getSuggestions();
        return "unknown option '"
            + printable(arg)
            + "'"
            + (near.isEmpty() ? "" : "; did you mean " + printable(near.get(0)) + "?");
      }
      return u.getCommandLine().getParent() == null
          ? "unknown command '" + printable(arg) + "'"
          : "unexpected argument '" + printable(arg) + "'";
    }
    if (ex instanceof CommandLine.OverwrittenOptionException o
        && o.getOverwritten() instanceof OptionSpec opt) {
      return opt.longestName() + " given twice";
    }
    if (ex instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()) {
      ArgSpec first = m.getMissing().get(0);
      if (first instanceof OptionSpec opt) {
        return opt.longestName() + " needs a value";
      }
    }
    if (ex instanceof CommandLine.MaxValuesExceededException) {
      // picocli names the flag only in its message: "option '--pretty' should be specified
      // without 'yes' parameter"
      Matcher m = FLAG_WITH_VALUE.matcher(String.valueOf(ex.getMessage()));
      if (m.lookingAt()) {
        return m.group(1) + " takes no value";
      }
    }
    if (ex.getArgSpec() instanceof OptionSpec opt && ex.getValue() != null) {
      // a value picocli could not convert (a path with a NUL): its message names JDK exceptions
      return opt.longestName()
          + " '"
          + printable(ex.getValue())
          + "' is not a valid "
          + opt.type().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
    return ex.getMessage();
  }

  private void print(String message) {
    err.println(Cli.NAME + ": " + oneLine(message));
    err.flush();
  }

  /** At most 40 characters of an argument, control characters as {@code ?}. */
  static String printable(String s) {
    return dev.fabricscope.bandwidth.Endpoint.printable(s);
  }

  /**
   * The agent's one stderr line for {@code message}: line breaks as spaces (a multi-line exception
   * message reads as one sentence), every other control character written out ({@link
   * TerminalText#oneLine}), cut to {@link #MAX_MESSAGE}.
   */
  static String oneLine(String message) {
    return TerminalText.oneLine(TerminalText.flatten(message, "unknown error"), MAX_MESSAGE);
  }
}
