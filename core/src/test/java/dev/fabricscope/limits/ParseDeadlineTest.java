package dev.fabricscope.limits;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The deadline itself: when a check throws, nesting, the guarded stream and the thread's state. */
class ParseDeadlineTest {

  /** A clock that moves one nanosecond each time it is read. */
  static LongSupplier ticking() {
    AtomicLong now = new AtomicLong();
    return now::getAndIncrement;
  }

  @Test
  void aThreadWithoutADeadlinePassesEveryCheck() {
    assertDoesNotThrow(ParseDeadline::check);
  }

  @Test
  void theCheckAfterTheLimitThrowsAndNamesTheLimit() {
    LongSupplier clock = ticking();
    int[] passed = {0};
    ParseDeadline.ExceededException e =
        assertThrows(
            ParseDeadline.ExceededException.class,
            () ->
                ParseDeadline.within(
                    Duration.ofNanos(5),
                    clock,
                    () -> {
                      for (int i = 0; i < 100; i++) {
                        ParseDeadline.check();
                        passed[0]++;
                      }
                      return null;
                    }));
    // the clock was read once to set the end (0 + 5), then at checks 1..5: the fifth throws
    assertEquals(4, passed[0]);
    assertEquals(Duration.ofNanos(5), e.limit());
    assertEquals("reading took longer than its limit of 5 ns", e.getMessage());
    assertDoesNotThrow(ParseDeadline::check, "the thread's deadline ends with its reading");
  }

  @Test
  void readingWithinItsLimitReturnsItsValue() {
    assertEquals("done", ParseDeadline.within(Duration.ofSeconds(30), () -> check("done")));
  }

  @Test
  void anOuterDeadlineThatEndsSoonerStaysInForce() {
    LongSupplier clock = ticking();
    assertThrows(
        ParseDeadline.ExceededException.class,
        () ->
            ParseDeadline.within(
                Duration.ofNanos(3),
                clock,
                () ->
                    ParseDeadline.within(
                        Duration.ofDays(1),
                        clock,
                        () -> {
                          for (int i = 0; i < 10; i++) {
                            ParseDeadline.check();
                          }
                          return null;
                        })));
  }

  @Test
  void anInnerDeadlineThatEndsSoonerThrowsAndTheOuterOneComesBack() {
    LongSupplier clock = ticking();
    ParseDeadline.within(
        Duration.ofDays(1),
        clock,
        () -> {
          assertThrows(
              ParseDeadline.ExceededException.class,
              () ->
                  ParseDeadline.within(
                      Duration.ofNanos(2),
                      clock,
                      () -> {
                        ParseDeadline.check();
                        ParseDeadline.check();
                        return null;
                      }));
          assertDoesNotThrow(ParseDeadline::check, "the outer day is left");
          return null;
        });
  }

  @Test
  void theGuardedStreamChecksBeforeEachRead() throws IOException {
    LongSupplier clock = ticking();
    byte[] data = new byte[64];
    int[] reads = {0};
    assertThrows(
        ParseDeadline.ExceededException.class,
        () ->
            ParseDeadline.within(
                Duration.ofNanos(4),
                clock,
                () -> {
                  try (InputStream in = ParseDeadline.guard(new ByteArrayInputStream(data))) {
                    while (in.read(new byte[8]) > 0) {
                      reads[0]++;
                    }
                  }
                  return null;
                }));
    assertEquals(3, reads[0]);
    try (InputStream in = ParseDeadline.guard(new ByteArrayInputStream(data))) {
      assertEquals(64, in.readAllBytes().length, "without a deadline the stream is plain");
    }
  }

  @Test
  void aPassedDeadlineWrappedByAReaderIsFoundAndRethrown() {
    ParseDeadline.ExceededException passed =
        new ParseDeadline.ExceededException(Duration.ofMillis(250));
    Exception wrapped = new IllegalStateException("parser", new IOException("stream", passed));
    assertTrue(
        passed
            == assertThrows(
                ParseDeadline.ExceededException.class,
                () -> ParseDeadline.rethrowIfPassed(wrapped)));
    assertDoesNotThrow(() -> ParseDeadline.rethrowIfPassed(new IOException("plain")));
    assertEquals("reading took longer than its limit of 250 ms", passed.getMessage());
  }

  @Test
  void aLimitMustBePositive() {
    assertThrows(
        IllegalArgumentException.class, () -> ParseDeadline.within(Duration.ZERO, () -> null));
    assertThrows(
        IllegalArgumentException.class,
        () -> ParseDeadline.within(Duration.ofSeconds(-1), () -> null));
  }

  @Test
  void aVeryLongLimitDoesNotOverflow() {
    assertEquals("ok", ParseDeadline.within(Duration.ofSeconds(Long.MAX_VALUE), () -> check("ok")));
  }

  private static String check(String value) {
    ParseDeadline.check();
    return value;
  }
}
