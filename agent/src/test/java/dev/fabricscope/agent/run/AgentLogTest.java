package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A log that writes a repeated line once per window, then says how many it left out. */
class AgentLogTest {

  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final AgentLog plain = new AgentLog(new PrintStream(bytes, true, StandardCharsets.UTF_8));

  List<String> lines() {
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aRepeatAfterTheWindowSaysHowManyWereLeftOut() throws Exception {
    AgentLog quiet = plain.quietRepeats(Duration.ofMillis(300));
    for (int i = 0; i < 10; i++) {
      quiet.info("jobs: assignment refused: unknown kind 'bogus'");
    }
    quiet.info("another line");
    Thread.sleep(400);
    quiet.info("jobs: assignment refused: unknown kind 'bogus'");
    List<String> l = lines();
    assertEquals(3, l.size(), l.toString());
    assertTrue(
        l.get(2).endsWith("'bogus' (9 more of this line left out in the last 0 s)"), l.get(2));
    // the plain log is not quiet
    plain.info("x");
    plain.info("x");
    assertEquals(5, lines().size());
  }

  /** Random lines from a small set: within the window each distinct line is written once. */
  @Test
  void randomRepeatsAreWrittenOncePerDistinctLine() {
    Random rnd = new Random(1208L);
    for (int round = 0; round < 50; round++) {
      bytes.reset();
      AgentLog quiet = plain.quietRepeats(Duration.ofMinutes(1));
      Set<String> distinct = new HashSet<>();
      int n = 1 + rnd.nextInt(200);
      for (int i = 0; i < n; i++) {
        String line = "job " + rnd.nextInt(1 + rnd.nextInt(20)) + " error: refused";
        distinct.add(line);
        quiet.info(line);
      }
      List<String> l = lines();
      assertEquals(distinct.size(), l.size(), "round " + round);
      assertEquals(
          distinct, Set.copyOf(l.stream().map(s -> s.substring(s.indexOf(' ') + 1)).toList()));
    }
  }
}
