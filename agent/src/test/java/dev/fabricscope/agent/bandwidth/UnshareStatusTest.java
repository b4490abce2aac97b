package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** util-linux 2.38's lost signal: put back where the runner sent it, said in words where not. */
class UnshareStatusTest {

  private static final String NOISE = HelperContainment.UNSHARE_SIGNAL_NOISE + "\n";

  @Test
  void aSignalWeSentIsTheStatusAShellWouldShow() {
    assertEquals(
        new UnshareStatus.Ended(137, "helper said\n"),
        UnshareStatus.of(1, "helper said\n" + NOISE, HelperContainment.SIGKILL));
    assertEquals(
        new UnshareStatus.Ended(143, ""), UnshareStatus.of(1, NOISE, HelperContainment.SIGTERM));
  }

  @Test
  void aSignalOfItsOwnIsSaidInWords() {
    assertEquals(
        new UnshareStatus.Ended(1, "x\n" + UnshareStatus.SIGNAL_UNKNOWN + "\n"),
        UnshareStatus.of(1, "x\n" + NOISE, 0));
  }

  @Test
  void anythingElseIsLeftAsItIs() {
    for (String err : List.of("", "exit 1\n", NOISE.strip(), NOISE + "later\n")) {
      assertEquals(new UnshareStatus.Ended(1, err), UnshareStatus.of(1, err, 9));
    }
    // the helper printed the same words itself but exited otherwise
    assertEquals(new UnshareStatus.Ended(2, NOISE), UnshareStatus.of(2, NOISE, 0));
    assertEquals(new UnshareStatus.Ended(0, NOISE), UnshareStatus.of(0, NOISE, 15));
  }

  /** Random statuses, outputs and signals against the rule stated once more, plainly. */
  @Test
  void generatedEndsFollowTheRule() {
    Random random = new Random(238);
    List<String> texts = List.of("", "a\n", "unshare: x\n", "\u00e9\n", NOISE);
    for (int i = 0; i < 5_000; i++) {
      int code = List.of(0, 1, 2, 126, 127, 137, 143).get(random.nextInt(7));
      String err = texts.get(random.nextInt(texts.size()));
      boolean noise = random.nextBoolean();
      if (noise) {
        err += NOISE;
      }
      int sent = List.of(0, 9, 15).get(random.nextInt(3));
      UnshareStatus.Ended e = UnshareStatus.of(code, err, sent);
      boolean lost = code == 1 && err.endsWith(NOISE);
      String rest = lost ? err.substring(0, err.length() - NOISE.length()) : err;
      if (!lost) {
        assertEquals(new UnshareStatus.Ended(code, err), e, "case " + i);
      } else if (sent > 0) {
        assertEquals(new UnshareStatus.Ended(128 + sent, rest), e, "case " + i);
      } else {
        assertEquals(
            new UnshareStatus.Ended(1, rest + UnshareStatus.SIGNAL_UNKNOWN + "\n"), e, "case " + i);
      }
    }
  }
}
