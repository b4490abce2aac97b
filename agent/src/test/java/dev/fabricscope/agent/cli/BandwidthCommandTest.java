package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.BandwidthHelpers;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.ScriptedHelper;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BandwidthCommandTest {

  /** Parses the options as the command does and returns the checked spec. */
  private static BandwidthSpec spec(String... args) {
    BandwidthOptions o = new BandwidthOptions();
    new CommandLine(o).parseArgs(args);
    return o.spec();
  }

  @Test
  void defaultsFollowTheKind() {
    BandwidthSpec h2d = spec("--kind", "gpu-h2d");
    assertEquals("numa:0", h2d.source().toString());
    assertEquals("gpu:0", h2d.target().toString());
    assertEquals(BandwidthSpec.DEFAULT_BYTES, h2d.bytes());
    assertEquals(BandwidthSpec.DEFAULT_REPETITIONS, h2d.repetitions());
    BandwidthSpec p2p = spec("--kind", "gpu-p2p");
    assertEquals("gpu:1", p2p.target().toString());
    BandwidthSpec copy =
        spec("--kind", "host-memcpy", "--size", "1G", "--threads", "8", "--repeat", "3");
    assertEquals(1L << 30, copy.bytes());
    assertEquals(8, copy.threads());
    assertEquals(3, copy.repetitions());
    assertTrue(spec("--kind", "gpu-d2h", "--pageable").pageable());
  }

  @Test
  void twoSidedKindsNeedTheirEndpoints() {
    UsageException e = assertThrows(UsageException.class, () -> spec("--kind", "tcp"));
    assertEquals("--source is required for this kind", e.getMessage());
  }

  /** A refused spec never reaches a helper: the counting helper below must stay at zero runs. */
  @Test
  void badInputRunsNothing() {
    AtomicInteger runs = new AtomicInteger();
    BandwidthHelper counting =
        new ScriptedHelper(
            "counting",
            () -> {
              runs.incrementAndGet();
              return new Measurement(List.of(1.0), "counting", "");
            });
    BandwidthHelpers helpers = new BandwidthHelpers(List.of(counting));
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    for (List<String> args :
        List.of(
            List.of("--kind", "host-memcpy", "--source", "numa:0$(reboot)"),
            List.of("--kind", "host-memcpy", "--size", "`id`"),
            List.of("--kind", "gpu-h2d", "--target", "gpu:0\n--output=/etc/x"),
            List.of("--kind", "host-memcpy", "--repeat", "-1"),
            List.of("--kind", "host-memcpy", "--threads", "2;id"))) {
      errBytes.reset();
      assertEquals(2, bandwidth(args, sink, err, helpers), args.toString());
      String line = errBytes.toString(StandardCharsets.UTF_8);
      assertTrue(line.startsWith("fabricscope-agent: "), line);
      assertEquals(1, line.split("\n", -1).length - 1, "one line: " + line);
    }
    assertEquals(0, runs.get());
    assertEquals(
        0, bandwidth(List.of("--kind", "host-memcpy", "--size", "4K"), sink, sink, helpers));
    assertEquals(1, runs.get());
  }

  private static int bandwidth(
      List<String> args, PrintStream out, PrintStream err, BandwidthHelpers helpers) {
    List<String> all = new java.util.ArrayList<>(List.of("bandwidth"));
    all.addAll(args);
    return Cli.run(all.toArray(String[]::new), out, err, () -> helpers);
  }
}
