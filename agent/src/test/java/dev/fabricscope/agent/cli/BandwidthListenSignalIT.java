package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.Iperf3Helper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bandwidth --listen} stopped by a SIGTERM to the agent alone (a plain {@code kill PID}, a
 * supervisor that signals the main pid) leaves no listener (fifteenth security review, finding 2:
 * {@code iperf3 -s -1} was re-parented to init and served the first client that came, for good).
 * The shaded jar in a child JVM, as the review ran it.
 */
class BandwidthListenSignalIT {

  @TempDir Path tmp;

  @Test
  void aSigtermToTheAgentAloneKillsItsListener() throws Exception {
    Assumptions.assumeTrue(
        new Iperf3Helper().detect().present(), "iperf3 is not installed here (apt-get iperf3)");
    for (int run = 0; run < 2; run++) {
      Path out = tmp.resolve("out-" + run);
      Process p =
          CliRunner.agentProcess(
                  tmp,
                  List.of(),
                  "bandwidth",
                  "--kind",
                  "tcp",
                  "--listen",
                  "--source",
                  "addr:127.0.0.1",
                  "--target",
                  "addr:127.0.0.1",
                  "--timeout",
                  "40")
              .redirectOutput(out.toFile())
              .redirectError(tmp.resolve("err-" + run).toFile())
              .start();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.readString(out).contains("listening on") && System.nanoTime() < until) {
        assertTrue(p.isAlive(), "the agent ended: " + Files.readString(tmp.resolve("err-" + run)));
        Thread.sleep(20);
      }
      List<ProcessHandle> helpers = p.descendants().toList();
      assertFalse(helpers.isEmpty(), "the listener runs");
      assertTrue(
          helpers.stream().anyMatch(h -> h.info().command().orElse("").endsWith("iperf3")),
          "iperf3 among " + helpers);
      long t0 = System.nanoTime();
      p.destroy(); // SIGTERM to the agent's pid only
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the agent stopped");
      double seconds = (System.nanoTime() - t0) / 1e9;
      List<String> left = new ArrayList<>();
      for (ProcessHandle h : helpers) {
        try {
          h.onExit().get(5, TimeUnit.SECONDS); // a moment for a child killed just now
        } catch (TimeoutException e) {
          left.add(h.info().toString());
          h.destroyForcibly(); // a failing run leaves no listener behind either
        }
      }
      assertEquals(List.of(), left, "left running");
      assertTrue(seconds < 10, "stopped in " + seconds + " s");
    }
  }
}
