package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PciTopology#isBdf}, the hand-written check that replaced a regex match per BDF comparison
 * (sorted maps of a plan compare on every look-up), accepts exactly what {@link PciTopology#BDF}
 * matches: one case per rule, then many generated near-BDFs.
 */
class BdfCheckTest {

  private static final String ALPHABET = "0123456789abcdefABCDEFgz:.-8 ";

  @Test
  void eachRuleOfThePattern() {
    for (String ok :
        new String[] {"0000:00:00.0", "ffff:ff:1f.7", "10000:e0:00.0", "ffffffff:01:02.3"}) {
      assertTrue(PciTopology.isBdf(ok), ok);
    }
    for (String bad :
        new String[] {
          null,
          "",
          "000:00:00.0",
          "fffffffff:00:00.0",
          "0000:00:00.8",
          "0000:00:00:0",
          "0000.00:00.0",
          "0000:0:000.0",
          "0000:00:00.a",
          "0000:0G:00.0",
          "0000:00:00.00",
          "0000:AB:00.0"
        }) {
      assertEquals(false, PciTopology.isBdf(bad), bad);
    }
  }

  @Test
  void generatedStringsAgreeWithTheRegex() {
    Random rnd = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  "%0" + (4 + rnd.nextInt(5)) + "x:%02x:%02x.%d",
                  rnd.nextInt(1 << 16),
                  rnd.nextInt(256),
                  rnd.nextInt(32),
                  rnd.nextInt(8)));
      for (int k = rnd.nextInt(3); k > 0; k--) {
        int at = rnd.nextInt(s.length() + 1);
        char c = ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
        switch (rnd.nextInt(3)) {
          case 0 -> s.insert(at, c);
          case 1 -> s.setCharAt(Math.min(at, s.length() - 1), c);
          default -> s.deleteCharAt(Math.min(at, s.length() - 1));
        }
      }
      String t = s.toString();
      assertEquals(PciTopology.BDF.matcher(t).matches(), PciTopology.isBdf(t), t);
    }
  }
}
