package dev.fabricscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One token holds at most {@code fabricscope.events.max-streams-per-caller} (16) event streams: a
 * review opened 1,500 with one viewer token. The next is a 429 problem with {@code Retry-After};
 * another token is not affected, and a closed stream gives its place back.
 */
@QuarkusTest
class EventStreamLimitTest {

  @TestHTTPResource("/")
  URL base;

  @Inject EventStreamSlots slots;

  @Test
  void aTokenHoldsSixteenStreamsAndTheNextIsRefused() throws Exception {
    String operator = ApiClient.token("limit-op-" + System.nanoTime(), "operator", null);
    String host = "events-limit-" + System.nanoTime();
    ApiClient.importFixture(operator, "sysfs/qemu-rig-plain.tar.gz", host);
    String viewer = ApiClient.token("limit-viewer-" + System.nanoTime(), "viewer", null);
    HttpClient client = HttpClient.newHttpClient();
    List<HttpResponse<InputStream>> open = new ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        HttpResponse<InputStream> r = stream(client, host, viewer);
        assertEquals(200, r.statusCode(), "stream " + i);
        open.add(r);
      }
      HttpResponse<InputStream> refused = stream(client, host, viewer);
      assertEquals(429, refused.statusCode());
      assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null));
      assertTrue(
          refused
              .headers()
              .firstValue("Content-Type")
              .orElse("")
              .startsWith("application/problem"));
      String problem = new String(refused.body().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(problem.contains("max-streams-per-caller"), problem);

      HttpResponse<InputStream> other = stream(client, host, operator);
      assertEquals(200, other.statusCode(), "another token has places of its own");
      open.add(other);

      int before = slots.openStreams();
      open.remove(0).body().close();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (slots.openStreams() >= before && System.nanoTime() < deadline) {
        Thread.sleep(50); // the server sees the closed connection shortly
      }
      HttpResponse<InputStream> again = stream(client, host, viewer);
      assertEquals(200, again.statusCode(), "a closed stream gave its place back");
      open.add(again);
    } finally {
      for (HttpResponse<InputStream> r : open) {
        r.body().close();
      }
    }
  }

  private HttpResponse<InputStream> stream(HttpClient client, String host, String token)
      throws Exception {
    return HostEventsResourceTest.openStream(client, base, host, token);
  }
}
