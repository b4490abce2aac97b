package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.BandwidthHelpers;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BandwidthCommandTest {

  private static final Set<String> VALUES =
      Set.of(
          "--kind",
          "--source",
          "--target",
          "--size",
          "--threads",
          "--repeat",
          "--duration",
          "--timeout",
          "--format");

  private static BandwidthSpec spec(String... args) {
    return BandwidthCommand.spec(new Options(List.of(args), VALUES, Set.of("--pageable")));
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
        new BandwidthHelper() {
          @Override
          public String name() {
            return "counting";
          }

          @Override
          public HelperCapability detect() {
            return HelperCapability.absent(name(), "test");
          }

          @Override
          public boolean handles(BandwidthKind kind) {
            return true;
          }

          @Override
          public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel) {
            runs.incrementAndGet();
            return new Measurement(List.of(1.0), "counting", "");
          }
        };
    BandwidthCommand c = new BandwidthCommand(new BandwidthHelpers(List.of(counting)));
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    for (List<String> args :
        List.of(
            List.of("--kind", "host-memcpy", "--source", "numa:0$(reboot)"),
            List.of("--kind", "host-memcpy", "--size", "`id`"),
            List.of("--kind", "gpu-h2d", "--target", "gpu:0\n--output=/etc/x"),
            List.of("--kind", "host-memcpy", "--repeat", "-1"),
            List.of("--kind", "host-memcpy", "--threads", "2;id"))) {
      assertThrows(UsageException.class, () -> c.run(args, sink, sink), args.toString());
    }
    assertEquals(0, runs.get());
    assertEquals(0, c.run(List.of("--kind", "host-memcpy", "--size", "4K"), sink, sink));
    assertEquals(1, runs.get());
  }
}
