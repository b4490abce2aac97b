package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.BandwidthHelpers;
import dev.fabricscope.agent.bandwidth.ScriptedHelper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract: help, version, exit codes and one-line errors for bad usage. */
class CliTest {

  @TempDir Path tmp;

  static final List<String> COMMANDS =
      List.of(
          "collect",
          "gather",
          "topo",
          "explain",
          "plan",
          "nvml",
          "bandwidth",
          "run",
          "completion",
          "help");

  @Test
  void everyCommandIsInTheTreeAndNoOther() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    CommandLine root = Cli.commandLine(sink, sink, BandwidthHelpers::standard);
    assertEquals(
        COMMANDS,
        List.copyOf(root.getCommandSpec().subcommands().keySet()).stream()
            .filter(n -> !n.equals("generate-completion"))
            .toList());
  }

  /**
   * The converters {@link Cli#skipUnusedConverters} leaves out are of types no option or parameter
   * has: one that did would fail to parse at run time.
   */
  @Test
  void noOptionNeedsALeftOutConverter() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    CommandLine root = Cli.commandLine(sink, sink, BandwidthHelpers::standard);
    java.util.regex.Pattern excluded =
        java.util.regex.Pattern.compile(System.getProperty(Cli.CONVERTER_EXCLUDES));
    assertTrue(excluded.matcher("java.time.Duration").matches());
    assertTrue(excluded.matcher("java.sql.Timestamp").matches());
    assertFalse(excluded.matcher("java.nio.file.Path").matches());
    int args = 0;
    for (CommandLine c : root.getSubcommands().values()) {
      for (CommandLine.Model.ArgSpec a : c.getCommandSpec().args()) {
        args++;
        for (Class<?> t : a.auxiliaryTypes()) {
          assertFalse(excluded.matcher(t.getName()).matches(), c.getCommandName() + " " + a);
        }
        assertFalse(excluded.matcher(a.type().getName()).matches(), c.getCommandName() + " " + a);
      }
    }
    assertTrue(args > 40, "options and parameters seen: " + args);
  }

  @TestFactory
  Stream<DynamicTest> everyCommandAnswersHelpOnStdoutWithExitZero() {
    return COMMANDS.stream()
        .filter(c -> !c.equals("help"))
        .flatMap(
            c ->
                Stream.of(
                    DynamicTest.dynamicTest(c + " --help", () -> assertHelp(c, c, "--help")),
                    DynamicTest.dynamicTest(c + " -h", () -> assertHelp(c, c, "-h")),
                    DynamicTest.dynamicTest("help " + c, () -> assertHelp(c, "help", c))));
  }

  private static void assertHelp(String command, String... args) {
    InProcess.Result r = InProcess.run(args);
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertTrue(r.out().contains("Usage: fabricscope-agent " + command), r.out());
    assertTrue(r.out().contains("--help"), r.out());
  }

  @Test
  void topLevelHelpListsTheCommandsAndExitCodes() {
    for (String[] args : new String[][] {{"--help"}, {"-h"}, {"help"}}) {
      InProcess.Result r = InProcess.run(args);
      assertEquals(0, r.code(), r.err());
      for (String c : COMMANDS) {
        assertTrue(r.out().contains("\n  " + c), c + " in " + r.out());
      }
      assertTrue(r.out().contains("Exit codes: 0 ok; 1 the operation failed"), r.out());
    }
  }

  @Test
  void versionIsTheProjectVersion() {
    String expected = System.getProperty("fabricscope.version");
    assertTrue(expected != null && !expected.isBlank(), "surefire sets fabricscope.version");
    for (String flag : List.of("--version", "-V")) {
      InProcess.Result r = InProcess.run(flag);
      assertEquals(0, r.code(), r.err());
      assertEquals("fabricscope-agent " + expected + "\n", r.out());
    }
  }

  @Test
  void noCommandIsUsageOnStderrAndExitTwo() {
    InProcess.Result r = InProcess.run();
    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertTrue(r.err().contains("Usage: fabricscope-agent"), r.err());
  }

  /** Parse errors: one line naming what was wrong and where help is, exit 2, nothing on stdout. */
  @Test
  void badUsageIsOneLineAndExitTwo() {
    String[][] cases = {
      {"unknown command 'frob' (try: fabricscope-agent --help)", "frob"},
      {"unknown option '--frob' (try: fabricscope-agent collect --help)", "collect", "--frob"},
      {"unknown option '--prety'; did you mean --pretty?", "collect", "--prety"},
      {"unexpected argument 'x'", "topo", "x"},
      {"--input needs a value", "topo", "--input"},
      {"--fsroot given twice", "collect", "--fsroot", "/", "--fsroot", "/"},
      {"--pretty takes no value", "collect", "--pretty=yes"},
      {"--gzip takes no value", "run", "--gzip=1"},
      {"--of must be json, hwloc-xml or nccl-xml, not 'xml'", "collect", "--of", "xml"},
      {"--pretty is for --of json", "collect", "--of", "nccl-xml", "--pretty"},
      {"--format must be text or json", "topo", "--format", "xml"},
      {"--kind needs a value", "bandwidth", "--kind"},
      {"--pattern needs a value", "plan"},
      {
        "--pattern must be one of gpu-to-nic, gpu-to-host, gpu-all-to-all, nvme-to-gpu, not 'x'",
        "plan",
        "--pattern",
        "x"
      },
      {
        "--format must be text, json or nccl-xml",
        "plan",
        "--pattern",
        "gpu-to-nic",
        "--format",
        "xml"
      },
      {"explain needs two devices", "explain", "a", "b", "c"},
      {"unknown option '-x'", "gather", "-x"},
      {"--fsroot 'a?b' is not a valid path", "collect", "--fsroot", "a\0b"},
      {"--token-file 'x?' is not a valid path", "run", "--token-file", "x\0"},
    };
    for (String[] c : cases) {
      assertBadUsage(c[0], List.of(c).subList(1, c.length).toArray(String[]::new));
    }
  }

  /** Hostile arguments reach the one line only as printable characters, cut short. */
  @Test
  void hostileArgumentsCannotAddLinesOrEscapes() {
    String evil = "--x\n\u001b[2Jfabricscope-agent: ok\r" + "A".repeat(100_000);
    InProcess.Result r = InProcess.run("collect", evil);
    assertBadUsage("unknown option '--x??[2Jfabricscope-agent: ok?", "collect", evil);
    assertFalse(r.err().contains("\u001b"), r.err());
    assertTrue(r.err().length() < 400, r.err().length() + " chars");
    InProcess.Result v = InProcess.run("topo", "--format", "\u001b]0;x\u0007");
    assertEquals(2, v.code());
    assertFalse(v.err().contains("\u001b") || v.err().contains("\u0007"), v.err());
  }

  /** picocli's {@code @file} expansion would read any file into the arguments: it is off. */
  @Test
  void atFilesAreNotExpanded() throws Exception {
    Path args = Files.writeString(tmp.resolve("args"), "--help\n");
    InProcess.Result r = InProcess.run("collect", "@" + args);
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("unexpected argument '@"), r.err());
    assertFalse(r.out().contains("Usage"), "the file's --help was not read");
  }

  /** What is not bad input and not a refusal is exit 1, one line, no stack trace. */
  @Test
  void anUnexpectedFailureIsExitOneWithOneLine() {
    BandwidthHelper failing =
        new ScriptedHelper(
            "failing",
            () -> {
              throw new IllegalStateException("boom\nsecond line");
            });
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    int code =
        Cli.run(
            new String[] {"bandwidth", "--kind", "host-memcpy", "--size", "4K"},
            sink,
            new PrintStream(err, true, StandardCharsets.UTF_8),
            () -> new BandwidthHelpers(List.of(failing)));
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, e);
    assertEquals(1, e.split("\n", -1).length - 1, "one line: " + e);
    assertTrue(e.startsWith("fabricscope-agent: internal error: "), e);
    assertFalse(e.contains("\tat "), e);
  }

  static void assertBadUsage(String messagePart, String... args) {
    InProcess.Result r = InProcess.run(args);
    String what = String.join(" ", args);
    assertEquals(2, r.code(), what + ": " + r.err());
    assertEquals("", r.out(), what);
    assertTrue(r.err().startsWith("fabricscope-agent: "), what + ": " + r.err());
    assertTrue(r.err().endsWith("\n"), what);
    assertEquals(1, r.err().split("\n", -1).length - 1, "one line: " + r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    assertTrue(r.err().contains(messagePart), what + ": " + r.err());
  }
}
