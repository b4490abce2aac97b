package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.bandwidth.Endpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A helper program's command line, kept as typed parts: the program's absolute path, options
 * ({@code -d}, {@code --report_gbits}) and values ({@code rxe0}, {@code 10.0.0.2}). Values come
 * from checked fields ({@link Endpoint}, {@code BandwidthSpec}) and are never option-like, so a
 * value can not turn into an option of the tool ({@code --output=/etc/x}); no part may hold a shell
 * or control character, a space or anything outside {@code [A-Za-z0-9._:/=,+@%-]}. The parts are
 * checked when added and again by {@link ProcessRunner} before a start (defence in depth: the
 * runner trusts no builder).
 */
public final class CommandLine {

  /** Longest single argument, in characters. */
  public static final int MAX_ARG = 256;

  private static final Pattern OPTION = Pattern.compile("--?[A-Za-z0-9][A-Za-z0-9_-]{0,40}");
  private static final Pattern VALUE =
      Pattern.compile("[A-Za-z0-9._:/=,+@%][A-Za-z0-9._:/=,+@%-]*");

  /** What an argument is: an option of the tool, or a value given to one. */
  public enum Kind {
    OPTION,
    VALUE
  }

  /** One argument. */
  public record Arg(Kind kind, String text) {}

  private final Path program;
  private final List<Arg> args = new ArrayList<>();

  private CommandLine(Path program) {
    this.program = program;
  }

  /**
   * A command line for a program found on this host.
   *
   * @throws IllegalArgumentException when the path is not absolute or not plain
   */
  public static CommandLine of(Path program) {
    checkProgram(program);
    return new CommandLine(program);
  }

  /**
   * A command line assembled from parts directly: nothing is checked here, {@link ProcessRunner}
   * checks every part before it starts anything.
   */
  public static CommandLine of(Path program, List<Arg> args) {
    CommandLine c = new CommandLine(program);
    c.args.addAll(args);
    return c;
  }

  /** Adds an option ({@code -d}, {@code --report_gbits}). */
  public CommandLine option(String option) {
    args.add(checked(new Arg(Kind.OPTION, option)));
    return this;
  }

  /** Adds a value. */
  public CommandLine value(String value) {
    args.add(checked(new Arg(Kind.VALUE, value)));
    return this;
  }

  /** Adds an option and its value. */
  public CommandLine option(String option, String value) {
    return option(option).value(value);
  }

  /** Adds an option and its numeric value. */
  public CommandLine option(String option, long value) {
    return option(option).value(Long.toString(value));
  }

  /** The program. */
  public Path program() {
    return program;
  }

  /** The arguments after the program, as added. */
  public List<Arg> args() {
    return List.copyOf(args);
  }

  /** The full argument vector, program first, as {@link ProcessBuilder} takes it. */
  public List<String> argv() {
    List<String> out = new ArrayList<>(args.size() + 1);
    out.add(program.toString());
    args.forEach(a -> out.add(a.text()));
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return String.join(" ", argv());
  }

  /**
   * Checks one argument.
   *
   * @throws IllegalArgumentException naming the argument (printably) and the rule it breaks
   */
  static Arg checked(Arg a) {
    String t = a.text();
    if (t == null || t.isEmpty() || t.length() > MAX_ARG) {
      throw new IllegalArgumentException("argument empty or longer than " + MAX_ARG);
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException(
            "argument '" + Endpoint.printable(t) + "' holds a control or non-ASCII character");
      }
    }
    if (a.kind() == Kind.OPTION && !OPTION.matcher(t).matches()) {
      throw new IllegalArgumentException(
          "option '" + Endpoint.printable(t) + "' is not -x or --name");
    }
    if (a.kind() == Kind.VALUE && t.startsWith("-")) {
      throw new IllegalArgumentException(
          "value '" + Endpoint.printable(t) + "' looks like an option");
    }
    if (a.kind() == Kind.VALUE && !VALUE.matcher(t).matches()) {
      throw new IllegalArgumentException(
          "value '" + Endpoint.printable(t) + "' holds a character outside [A-Za-z0-9._:/=,+@%-]");
    }
    return a;
  }

  /** Checks the program and every argument, as {@link ProcessRunner} does before a start. */
  void check() {
    checkProgram(program);
    args.forEach(CommandLine::checked);
  }

  static void checkProgram(Path program) {
    if (program == null || !program.isAbsolute() || !program.normalize().equals(program)) {
      throw new IllegalArgumentException("program must be an absolute, normal path: " + program);
    }
    checked(new Arg(Kind.VALUE, program.toString()));
  }
}
