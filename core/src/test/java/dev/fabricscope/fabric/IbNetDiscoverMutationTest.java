package dev.fabricscope.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fabricscope.oracle.FabricArchives;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many mutants of PlaFRIM's real {@code ibnetdiscover -p} output (byte flips, cuts, inserted NULs
 * and invalid UTF-8, duplicated and shuffled lines, stretched lines), each through the upload path
 * ({@link IbNetDiscoverText#decode} then {@link IbNetDiscover.Discovery#parse}): every one is
 * either a discovery whose key is its lowest switch GUID or a {@link IbNetDiscover.Refused}, never
 * another exception, and all of them together parse in bounded time. The seed is fixed, so a
 * failure replays; the mutant's number is in the message.
 */
class IbNetDiscoverMutationTest {

  static final int MUTANTS = 1500;

  @TempDir Path tmp;

  @Test
  void mutantsAreParsedOrRefusedNeverThrown() throws Exception {
    Path dir = FabricArchives.extract("plafrim", tmp);
    byte[] real = Files.readAllBytes(dir.resolve("ib-raw/ib-subnet-fe80:0000:0000:0000.txt"));
    Random rnd = new Random(0x1b_d15c);
    Map<IbNetDiscover.Refused.Kind, Integer> refusals =
        new EnumMap<>(IbNetDiscover.Refused.Kind.class);
    int[] parsed = {0};
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (int i = 0; i < MUTANTS; i++) {
            byte[] m = mutate(real, rnd);
            try {
              var d = IbNetDiscover.Discovery.parse("m" + i, IbNetDiscoverText.decode(m));
              assertFalse(d.switchGuids().isEmpty(), "mutant " + i);
              assertEquals(d.switchGuids().first(), d.key(), "mutant " + i);
              parsed[0]++;
            } catch (IbNetDiscover.Refused e) {
              assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "mutant " + i);
              refusals.merge(e.kind(), 1, Integer::sum);
            } catch (RuntimeException e) {
              fail("mutant " + i + " threw " + e, e);
            }
          }
        });
    // the mutations reach both outcomes and every kind of refusal but size
    assertTrue(parsed[0] > MUTANTS / 10, "parsed " + parsed[0] + ", refused " + refusals);
    assertTrue(refusals.getOrDefault(IbNetDiscover.Refused.Kind.NOT_TEXT, 0) > 0, "" + refusals);
    assertTrue(
        refusals.getOrDefault(IbNetDiscover.Refused.Kind.NOT_IBNETDISCOVER, 0) > 0, "" + refusals);
  }

  /** One to four random mutations of the bytes. */
  static byte[] mutate(byte[] in, Random rnd) {
    byte[] b = in;
    int n = 1 + rnd.nextInt(4);
    for (int k = 0; k < n; k++) {
      b = once(b, rnd);
    }
    return b;
  }

  private static byte[] once(byte[] b, Random rnd) {
    int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 64);
    switch (rnd.nextInt(9)) {
      case 0 -> { // flip a byte to anything, NUL and 0xff included
        byte[] c = b.clone();
        if (c.length > 0) {
          c[at] = (byte) rnd.nextInt(256);
        }
        return c;
      }
      case 1 -> { // cut the file short
        return java.util.Arrays.copyOf(b, at);
      }
      case 2 -> { // delete a run
        int len = Math.min(b.length - at, rnd.nextInt(200));
        out.write(b, 0, at);
        out.write(b, at + len, b.length - at - len);
      }
      case 3 -> { // insert a character a parser trips on
        String[] bits = {"'", "(", ")", " - ", "0x", "\r", "\n", "CA ", "SW ", "\t", "é", "\u2028"};
        out.write(b, 0, at);
        out.writeBytes(
            bits[rnd.nextInt(bits.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.write(b, at, b.length - at);
      }
      case 4 -> { // duplicate a line (a CA line twice, or a near copy)
        int s = lineStart(b, at);
        int e = lineEnd(b, at);
        out.write(b, 0, e);
        out.write('\n');
        out.write(b, s, b.length - s);
      }
      case 5 -> { // swap a hex digit of a GUID-looking run
        byte[] c = b.clone();
        for (int i = at; i < c.length; i++) {
          if (Character.digit(c[i], 16) >= 0) {
            c[i] = (byte) "0123456789abcdefg".charAt(rnd.nextInt(17));
            break;
          }
        }
        return c;
      }
      case 6 -> { // stretch a line past the line limit
        out.write(b, 0, at);
        out.writeBytes("x".repeat(IbNetDiscover.MAX_LINE_CHARS + rnd.nextInt(100)).getBytes());
        out.write(b, at, b.length - at);
      }
      case 7 -> { // an invalid UTF-8 sequence
        out.write(b, 0, at);
        out.write(0xc3);
        out.write(b, at, b.length - at);
      }
      default -> { // move a line elsewhere
        int s = lineStart(b, at);
        int e = lineEnd(b, at);
        int to = rnd.nextInt(b.length + 1);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(b, 0, s);
        rest.write(b, e, b.length - e);
        byte[] r = rest.toByteArray();
        to = Math.min(to, r.length);
        out.write(r, 0, to);
        out.write(b, s, e - s);
        out.write(r, to, r.length - to);
      }
    }
    return out.toByteArray();
  }

  private static int lineStart(byte[] b, int at) {
    int i = Math.min(at, b.length);
    while (i > 0 && b[i - 1] != '\n') {
      i--;
    }
    return i;
  }

  private static int lineEnd(byte[] b, int at) {
    int i = at;
    while (i < b.length && b[i] != '\n') {
      i++;
    }
    return i;
  }
}
