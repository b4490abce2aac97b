package dev.fabricscope.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.fabric.IbNetDiscover.Refused;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Lines walked in place (fifteenth security review: 16 MiB of {@code "a\n"}, 16 KB gzip-coded, was
 * split into 8 million strings and ran a 512 MiB server out of heap). The walk must cut lines
 * exactly where {@code split("\\R", -1)} does, and a text of more than {@link
 * IbNetDiscover#MAX_LINES} lines is refused.
 */
class IbNetDiscoverLinesTest {

  private static List<String> walked(String text) {
    List<String> out = new ArrayList<>();
    IbNetDiscoverLines lines = new IbNetDiscoverLines(text);
    while (lines.next()) {
      assertEquals(out.size() + 1, lines.number());
      String line = lines.text();
      assertEquals(line.length(), lines.length());
      assertEquals(
          line.strip().startsWith("SW") || line.strip().startsWith("CA"),
          lines.startsWithSwOrCa(),
          line);
      out.add(line);
    }
    return out;
  }

  @Test
  void eachKindOfBreakEndsALine() {
    for (String br : List.of("\n", "\r\n", "\r", "\f", "\u000B", "\u0085", "\u2028", "\u2029")) {
      String text = "SW a" + br + " CA b" + br + br + "c";
      assertEquals(List.of("SW a", " CA b", "", "c"), walked(text), br);
      assertEquals(List.of(text.split("\\R", -1)), walked(text));
    }
    assertEquals(List.of(""), walked(""));
    assertEquals(List.of("a", ""), walked("a\n"));
    assertEquals(List.of("a", "", ""), walked("a\r\r\n"), "CR then CR LF: two breaks");
  }

  /** 2,000 generated texts of random lines and breaks: the same lines as the split. */
  @Test
  void generatedTextsAreCutAsTheSplitCutsThem() {
    Random random = new Random(1507);
    String[] pieces = {
      "SW", "CA", " ", "\t", "x", "0x1", "'", "\n", "\r", "\r\n", "\f", "\u0085", "\u2028", "é"
    };
    for (int t = 0; t < 2000; t++) {
      StringBuilder text = new StringBuilder();
      int n = random.nextInt(40);
      for (int i = 0; i < n; i++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      String s = text.toString();
      assertEquals(List.of(s.split("\\R", -1)), walked(s), s);
    }
  }

  @Test
  void sixteenMebibytesOfShortLinesAreRefusedAtTheLineLimit() {
    String text = "SW 2 19 0x0002c9020040b0e0 4x QDR\n" + "a\n".repeat(8 * 1024 * 1024 - 32);
    assertTrue(text.length() <= IbNetDiscoverText.MAX_CHARS);
    Refused e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> assertThrows(Refused.class, () -> IbNetDiscover.Discovery.parse("t", text)));
    assertTrue(e.getMessage().contains("more than 1000000 lines"), e.getMessage());
    assertThrows(Refused.class, () -> IbNetDiscover.parse(text));
  }

  @Test
  void aTextOfExactlyTheLimitIsRead() {
    String sw = "SW     2 19 0x0002c9020040b0e0 4x QDR - CA 61 1 0x00117500006f37a8 ( 'a' - 'b' )";
    String text = sw + "\n".repeat(IbNetDiscover.MAX_LINES - 1);
    var d = IbNetDiscover.Discovery.parse("t", text);
    assertEquals("0002:c902:0040:b0e0", d.key());
    // the limit's last line ended by a newline (as a tool writes it) is still the limit
    assertEquals("0002:c902:0040:b0e0", IbNetDiscover.Discovery.parse("t", text + "\n").key());
    assertEquals("0002:c902:0040:b0e0", IbNetDiscover.Discovery.parse("t", text + "\r\n").key());
    assertThrows(Refused.class, () -> IbNetDiscover.Discovery.parse("t", text + "\nx"));
    assertThrows(Refused.class, () -> IbNetDiscover.Discovery.parse("t", text + "\n\n"));
  }
}
