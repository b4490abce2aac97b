package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.cli.UsageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token file's rules (fourteenth security review, finding 1): a token an HTTP header cannot
 * carry is refused at start in one line that does not quote it, and a rotation to such a file keeps
 * the previous token with one log line, again without it.
 */
class TokenFileTest {

  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  @TempDir Path tmp;

  private Path file(String name, byte[] content) throws Exception {
    return Files.write(tmp.resolve(name), content);
  }

  private Path file(String name, String content) throws Exception {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  private static String refusal(Path f) {
    return assertThrows(UsageException.class, () -> RunOptions.readToken(f)).getMessage();
  }

  @Test
  void aBomAndWhiteSpaceAroundAGoodTokenAreDropped() throws Exception {
    assertEquals("fsk_AbC-1.2~3+4/5==", RunOptions.readToken(file("a", "fsk_AbC-1.2~3+4/5==\n")));
    assertEquals("SECRET-0002", RunOptions.readToken(file("b", "\uFEFFSECRET-0002\r\n")));
    assertEquals("x", RunOptions.readToken(file("c", "  x \t")));
  }

  /** The review's cases: CR, NUL, DEL and a bidirectional control inside a token. */
  @Test
  void controlAndNonAsciiCharactersAreRefusedWithoutQuotingTheToken() throws Exception {
    String[] bad = {"abc\rdef", "abc\0def", "abc\u007fdef", "abc\u202edef", "abc def", "t=x"};
    for (int i = 0; i < bad.length; i++) {
      String m = refusal(file("bad" + i, bad[i]));
      assertTrue(m.contains("not a bearer token"), m);
      assertFalse(m.contains("abc") || m.contains("def"), "never quoted: " + m);
      assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
    }
    assertTrue(refusal(file("two", "abc\ndef")).endsWith("more than one line"));
    assertTrue(refusal(file("empty", "\uFEFF \n")).endsWith("empty"));
    assertTrue(refusal(file("bom2", "\uFEFF\uFEFFabc")).contains("not a bearer token"));
  }

  @Test
  void onlyARegularFileOfAFewKibIsRead() throws Exception {
    assertTrue(refusal(file("big", "a".repeat(TokenFile.MAX_BYTES + 1))).contains("larger than"));
    assertEquals(
        TokenFile.MAX_BYTES,
        RunOptions.readToken(file("max", "a".repeat(TokenFile.MAX_BYTES))).length());
    assertTrue(refusal(tmp).endsWith("not a regular file"));
    assertTrue(refusal(tmp.resolve("nope")).contains("cannot read"));
    // neither may block nor fill the heap: refused before they are opened
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          assertTrue(refusal(Path.of("/dev/zero")).endsWith("not a regular file"));
          Path fifo = tmp.resolve("fifo");
          Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
          assertEquals(0, mk.waitFor());
          assertTrue(refusal(fifo).endsWith("not a regular file"));
        });
    Path link = Files.createSymbolicLink(tmp.resolve("link"), file("target", "linked-token"));
    assertEquals("linked-token", RunOptions.readToken(link), "a Kubernetes secret is a link");
  }

  /** A rotation to an unusable file keeps the previous token and logs once, without it. */
  @Test
  void aBadRotationKeepsThePreviousTokenAndLogsOneLineWithoutIt() throws Exception {
    Path f = file("token", "SECRET-0001\n");
    List<String> log = new ArrayList<>();
    TokenFile tokens = new TokenFile(f, RunOptions.readToken(f), log::add);
    assertEquals("SECRET-0001", tokens.get());
    Files.writeString(f, "\uFEFFSECRET-rotated\u0000token-0002\n");
    assertEquals("SECRET-0001", tokens.get());
    assertEquals("SECRET-0001", tokens.get());
    assertEquals(1, log.size(), "once per reason: " + log);
    assertFalse(log.get(0).contains("SECRET"), log.get(0));
    assertTrue(log.get(0).endsWith("keeping the previous token"), log.get(0));
    Files.writeString(f, "\uFEFFSECRET-rotated-token-0002\r\n");
    assertEquals("SECRET-rotated-token-0002", tokens.get(), "a BOM alone is no reason to refuse");
    Files.delete(f);
    assertEquals("SECRET-rotated-token-0002", tokens.get());
    assertEquals(2, log.size(), log.toString());
    assertFalse(log.get(1).contains("SECRET"), log.get(1));
  }

  /** Many generated tokens: accepted exactly when they are b64tokens, never quoted when not. */
  @Test
  void generatedTokensAreAcceptedExactlyWhenTheyAreB64Tokens() throws Exception {
    Random rnd = new Random(14);
    String alphabet = "Ab9._~+/-= \t\r\n\0\u007f\u0080\u00e9\u202e\uFEFF\u2028\u00a0#%\"';:";
    Path f = tmp.resolve("generated");
    for (int i = 0; i < 3000; i++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + rnd.nextInt(12);
      for (int j = 0; j < n; j++) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String token = "QZ" + b; // a marker that shows if the message quotes it
      Files.writeString(f, token, StandardCharsets.UTF_8);
      String expected = token.strip();
      if (B64TOKEN.matcher(expected).matches()) {
        assertEquals(expected, RunOptions.readToken(f), token);
      } else {
        String m = refusal(f);
        assertFalse(m.contains("QZ"), "never quoted: " + m);
        assertFalse(m.chars().anyMatch(c -> c < 0x20), "one line: " + m);
      }
    }
  }
}
