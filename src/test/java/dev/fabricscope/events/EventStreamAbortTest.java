package dev.fabricscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client that sends a stream request and drops the connection at once (a reset) leaves a stream
 * that is never started: a review leaked one place of {@link EventStreamSlots} per such request,
 * for good, until the server's whole count was gone and every caller got 429. Each place now comes
 * back within {@link HostEventsResource#START_GRACE_MILLIS} whatever the client did.
 */
@QuarkusTest
class EventStreamAbortTest {

  @TestHTTPResource("/")
  URL base;

  @Inject EventStreamSlots slots;

  @Test
  void requestsDroppedBeforeTheStreamStartsGiveTheirPlacesBack() throws Exception {
    String operator = ApiClient.token("abort-op-" + System.nanoTime(), "operator", null);
    String host = "events-abort-" + System.nanoTime();
    ApiClient.importFixture(operator, "sysfs/qemu-rig-plain.tar.gz", host);
    String viewer = ApiClient.token("abort-viewer-" + System.nanoTime(), "viewer", null);
    int before = slots.openStreams();
    // more than one caller's 16: without the fix the token could open none afterwards
    for (int i = 0; i < 24; i++) {
      try (Socket s = new Socket(base.getHost(), base.getPort())) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET /api/v1/host-events/"
                    + host
                    + " HTTP/1.1\r\nHost: "
                    + base.getHost()
                    + "\r\nAuthorization: Bearer "
                    + viewer
                    + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        s.setSoLinger(true, 0); // close with a reset, as a killed client does
      }
    }
    // the server takes places as it gets to the requests (not every request gets that far before
    // the reset is seen), then gives them back: by twice the grace, every one is back
    int most = before;
    long end = System.nanoTime() + 2 * HostEventsResource.START_GRACE_MILLIS * 1_000_000L;
    while (System.nanoTime() < end) {
      most = Math.max(most, slots.openStreams());
      Thread.sleep(20);
    }
    assertTrue(most > before, "the server took places for the dropped requests");
    assertEquals(before, slots.openStreams(), "every dropped request gave its place back");

    // and the caller still has all of its places
    HttpClient client = HttpClient.newHttpClient();
    List<HttpResponse<InputStream>> open = new ArrayList<>();
    try {
      for (int i = 0; i < 16; i++) {
        HttpResponse<InputStream> r = HostEventsResourceTest.openStream(client, base, host, viewer);
        assertEquals(200, r.statusCode(), "stream " + i);
        open.add(r);
      }
    } finally {
      for (HttpResponse<InputStream> r : open) {
        r.body().close();
      }
    }
  }
}
