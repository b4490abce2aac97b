package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The content hash is SHA-256 in lower-case hex, as {@code sha256sum} prints it. */
class ContentHashTest {

  /** FIPS 180-2, appendix B.1 ("abc") and the empty message. */
  @Test
  void publishedVectors() {
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ContentHash.of("abc".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ContentHash.of(new byte[0]));
  }

  /** One byte of a report's JSON more is another content. */
  @Test
  void anyChangedByteChangesTheHash() {
    byte[] a = "{\"host\":{\"name\":\"a\"}}".getBytes(StandardCharsets.UTF_8);
    byte[] b = "{\"host\":{\"name\":\"a\"} }".getBytes(StandardCharsets.UTF_8);
    assertNotEquals(ContentHash.of(a), ContentHash.of(b));
  }
}
