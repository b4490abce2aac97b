package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * x86 long mode from /proc/cpuinfo's flags (findings §2): an archive's cpuinfo of up to 8 MiB is
 * hostile input, and the old pattern took O(L²) on a flags line of " lm" words without its final
 * newline (64,000 words: 47.6 s). The one-pass reader must end well within the bound on such a
 * line, and agree with the old pattern on many random short texts.
 */
class CpuinfoLongModeTest {

  static final Pattern OLD = Pattern.compile("(?s).*\\nflags\\s*:[^\\n]* lm( [^\\n]*)?\\n.*");
  static final Duration BOUND = Duration.ofSeconds(5);
  static final String HEAD =
      "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
          + "model name\t: X\n";

  /** The review's cpuinfo.py at 200,000 words (600 kB): many seconds before, now at once. */
  @Test
  void aLongFlagsLineWithoutItsNewline() {
    String hostile = HEAD + "flags\t\t:" + " lm".repeat(200_000);
    assertEquals("x86", assertTimeoutPreemptively(BOUND, () -> HostSource.architecture(hostile)));
    String spaces = HEAD + "flags\t\t:" + " ".repeat(200_000) + "lmx";
    assertFalse(assertTimeoutPreemptively(BOUND, () -> HostSource.longMode(spaces)));
  }

  @Test
  void ordinaryCpuinfoReadsAsBefore() {
    String flags = "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov";
    assertEquals("x86_64", HostSource.architecture(HEAD + flags + " lm constant_tsc\n\n"));
    assertEquals("x86_64", HostSource.architecture(HEAD + flags + " lm\n"));
    assertEquals("x86", HostSource.architecture(HEAD + flags + " lmx\n"));
    assertEquals("x86", HostSource.architecture(HEAD + flags + " lm")); // no newline after it
  }

  /** Random short texts of the pieces the pattern cares about: the same answer as the pattern. */
  @Test
  void agreesWithTheOldPatternOnRandomShortTexts() {
    String[] pieces = {
      "\n", "\nflags", "flags", " ", "\t", "\r", ":", " lm", "lm", "l", "m", " ", "x", "\f",
      "\u000B"
    };
    Random r = new Random(11);
    for (int i = 0; i < 100_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(12);
      for (int k = 0; k < n; k++) {
        sb.append(pieces[r.nextInt(pieces.length)]);
      }
      String s = sb.toString();
      assertEquals(OLD.matcher(s).matches(), HostSource.longMode(s), () -> s.replace("\n", "\\n"));
    }
    assertTrue(HostSource.longMode("x\nflags\n\t: lm\n"));
  }
}
