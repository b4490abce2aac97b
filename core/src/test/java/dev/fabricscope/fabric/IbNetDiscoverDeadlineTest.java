package dev.fabricscope.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.oracle.FabricArchives;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code ibnetdiscover -p} upload keeps the imports' {@link ParseDeadline} (the tenth session's
 * open point): the parse checks it once per line, so a deadline that passes at any line ends it
 * with {@link ParseDeadline.ExceededException} and no discovery. The text is PlaFRIM2's real
 * discovery; the clock moves one nanosecond per read, so which line ends the parse is chosen.
 */
class IbNetDiscoverDeadlineTest {

  @TempDir static Path tmp;
  static String text;

  @BeforeAll
  static void readPlafrim2() throws Exception {
    Path dir = FabricArchives.extract("plafrim2", tmp);
    text =
        Files.readString(
            dir.resolve("ib-raw/ib-subnet-fe80:0000:0000:0000.txt"), StandardCharsets.ISO_8859_1);
  }

  /** Parses under a deadline of {@code limit} reads of a clock that moves 1 ns per read. */
  static IbNetDiscover.Discovery parseWithin(long limit, AtomicLong reads) {
    return ParseDeadline.within(
        Duration.ofNanos(limit),
        reads::getAndIncrement,
        () -> IbNetDiscover.Discovery.parse("plafrim2", text));
  }

  @TestFactory
  Stream<DynamicTest> aDeadlineAtAnyLineEndsTheParse() {
    AtomicLong reads = new AtomicLong();
    IbNetDiscover.Discovery whole = parseWithin(Long.MAX_VALUE / 8, reads);
    long checks = reads.get() - 1; // the first read sets the deadline
    int lines = text.split("\\R", -1).length;
    assertTrue(checks >= lines, checks + " checks for " + lines + " lines");
    assertTrue(whole.links().size() > 50, "CA links: " + whole.links().size());
    List<Long> ends = new ArrayList<>(List.of(1L, checks));
    Random random = new Random(11);
    for (int i = 0; i < 30; i++) {
      ends.add(1 + (long) random.nextInt((int) checks));
    }
    return ends.stream()
        .map(
            end ->
                DynamicTest.dynamicTest(
                    "ends at check " + end + " of " + checks,
                    () -> {
                      AtomicLong r = new AtomicLong();
                      ParseDeadline.ExceededException e =
                          assertThrows(
                              ParseDeadline.ExceededException.class, () -> parseWithin(end, r));
                      assertEquals(Duration.ofNanos(end), e.limit());
                      assertEquals(end + 1, r.get(), "no read after the check that ended it");
                    }));
  }
}
