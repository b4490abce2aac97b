package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A report answered from its compressed form writes back exactly its text, and holds far fewer
 * bytes than the text while the client reads (thirteenth security review, finding 1).
 */
class GzipJsonTest {

  @Test
  void generatedTextsComeBackExactly() throws Exception {
    Random r = new Random(20261207);
    for (int run = 0; run < 300; run++) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(run % 50 == 0 ? 200_000 : 2_000);
      for (int i = 0; i < n; i++) {
        // ASCII mostly, with names in other scripts and characters outside the BMP
        int pick = r.nextInt(100);
        sb.appendCodePoint(
            pick < 90
                ? 32 + r.nextInt(95)
                : pick < 98 ? 0x400 + r.nextInt(200) : 0x1F600 + r.nextInt(50));
      }
      String text = sb.toString();
      byte[] gzip = GzipJson.compress(text);
      assertEquals(text, GzipJson.text(gzip), "run " + run);
    }
  }

  @Test
  void aLargeReportIsHeldAtAFractionOfItsSize() throws Exception {
    String report =
        new String(
            dev.fabricscope.testing.ApiClient.resource("valid-report.json"),
            StandardCharsets.UTF_8);
    StringBuilder big = new StringBuilder();
    while (big.length() < 15_000_000) {
      big.append(report);
    }
    byte[] gzip = GzipJson.compress(big.toString());
    assertTrue(gzip.length < big.length() / 8, gzip.length + " compressed bytes");
  }

  @Test
  void acceptEncodingIsReadAsRfc9110SaysIncludingZeroWeights() {
    for (String yes :
        new String[] {
          "gzip", "gzip, deflate", "deflate, GZIP", "br;q=1, gzip;q=0.001", "gzip ; q=1"
        }) {
      assertTrue(GzipJson.acceptsGzip(yes), yes);
    }
    for (String no :
        new String[] {
          null, "", "deflate", "br", "*", "x-gzip", "gzip;q=0", "gzip; q=0.000", "gzip;q=x", "gzipx"
        }) {
      assertTrue(!GzipJson.acceptsGzip(no), String.valueOf(no));
    }
  }
}
