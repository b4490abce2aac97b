package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The loop the generated archive tests share: seeded cases unpacked under a scratch base of their
 * own (tmpfs where there is one, as in production: deep trees are slow to create and delete on
 * disk), bounded by a count and a time budget, each of which must leave the base empty, accepted or
 * refused.
 */
final class GeneratedArchiveRuns {

  /** What one case did: whether its archive was accepted, and what it held, for messages. */
  record Outcome(boolean accepted, String what) {}

  /** One seeded case, unpacking under {@code base}. */
  interface Case {
    Outcome run(long seed, SplittableRandom random, Path base) throws IOException;
  }

  /** How many cases ran within the budget, and how many of them were accepted. */
  record Tally(int run, int accepted) {}

  private GeneratedArchiveRuns() {}

  /**
   * Runs up to {@code cases} cases from {@code seed} on, within {@code budgetNanos}, and checks at
   * least 100 ran (a slower machine must not turn the test into a handful of cases).
   */
  static Tally run(String prefix, int cases, long budgetNanos, long seed, Case c)
      throws IOException {
    Path base = Files.createTempDirectory(ArchiveExtractor.defaultTempBase(), prefix);
    try {
      long deadline = System.nanoTime() + budgetNanos;
      int run = 0;
      int accepted = 0;
      for (; run < cases && System.nanoTime() < deadline; run++) {
        long s = seed + run;
        Outcome o = c.run(s, new SplittableRandom(s), base);
        if (o.accepted()) {
          accepted++;
        }
        try (Stream<Path> left = Files.list(base)) {
          assertEquals(List.of(), left.toList(), "left behind, seed " + s + ": " + o.what());
        }
      }
      assertTrue(run >= 100, "only " + run + " cases within the time budget");
      return new Tally(run, accepted);
    } finally {
      ArchiveExtractor.deleteTree(base);
    }
  }
}
