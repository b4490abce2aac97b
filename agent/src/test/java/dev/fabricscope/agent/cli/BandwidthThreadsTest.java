package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import java.util.Random;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code host-memcpy} gives each copy thread one 64-byte line at least (fourteenth security review,
 * finding 7): more threads than {@code size/64} is bad input at the check (exit 2 here, 422 on the
 * server, which holds tests to the same core rule), not a failure when the copy runs (exit 1).
 */
class BandwidthThreadsTest {

  private static BandwidthSpec spec(String... args) {
    BandwidthOptions o = new BandwidthOptions();
    new CommandLine(o).parseArgs(args);
    return o.spec();
  }

  @Test
  void theReviewsCaseIsBadInput() {
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> spec("--kind", "host-memcpy", "--size", "4K", "--threads", "65"));
    assertTrue(
        e.getMessage().contains("threads: 65 is more than the 64 cache lines"), e.getMessage());
    assertEquals(64, spec("--kind", "host-memcpy", "--size", "4K", "--threads", "64").threads());
  }

  @Test
  void generatedSizesAndThreadsAreRefusedExactlyBeyondOneLinePerThread() {
    Random rnd = new Random(14_7);
    for (int i = 0; i < 5_000; i++) {
      long bytes = BandwidthSpec.MIN_BYTES + rnd.nextInt(64 * BandwidthSpec.MAX_THREADS);
      int threads = 1 + rnd.nextInt(BandwidthSpec.MAX_THREADS);
      boolean ok = threads <= bytes / 64;
      try {
        BandwidthSpec s =
            BandwidthSpec.of(
                BandwidthKind.HOST_MEMCPY,
                Endpoint.numa(0),
                Endpoint.numa(0),
                bytes,
                1,
                null,
                threads,
                false);
        assertTrue(ok, bytes + " bytes, " + threads + " threads accepted");
        assertEquals(threads, s.threads());
      } catch (IllegalArgumentException e) {
        assertTrue(!ok, bytes + " bytes, " + threads + " threads: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("threads: "), e.getMessage());
      }
    }
  }
}
