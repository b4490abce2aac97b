package dev.fabricscope.bandwidth;

import static dev.fabricscope.testing.BandwidthClient.event;
import static dev.fabricscope.testing.BandwidthClient.memcpy;
import static dev.fabricscope.testing.BandwidthClient.poll;
import static dev.fabricscope.testing.BandwidthClient.queue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Bandwidth tests on the host event stream, and the long poll waking without a thread. */
@QuarkusTest
class BandwidthEventsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource("/")
  URL base;

  @Test
  void theHostStreamCarriesEachStepOfATest() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("ev-host");
    String operator = rig.operator();
    String host = rig.host();
    String agent = rig.agent();
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(base.toString().replaceAll("/$", "") + "/api/v1/host-events/" + host))
            .header("Authorization", "Bearer " + operator)
            .header("Accept", "text/event-stream")
            .build();
    HttpResponse<InputStream> resp =
        HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
      assertEquals("hello", next(pool, in).get("type").asText());
      long id = queue(operator, memcpy(host, 1));
      JsonNode queued = next(pool, in);
      assertEquals("bandwidth", queued.get("type").asText());
      assertEquals(id, queued.get("jobId").asLong());
      assertEquals("queued", queued.get("state").asText());
      assertEquals("numa:0", queued.get("source").asText());
      poll(agent, host, 5).then().statusCode(200);
      assertEquals("taken", next(pool, in).get("phase").asText());
      event(agent, host, id, "{\"type\":\"progress\",\"message\":\"rep 1 of 3\"}");
      JsonNode progress = next(pool, in);
      assertEquals("progress", progress.get("phase").asText());
      assertEquals("rep 1 of 3", progress.get("message").asText());
      event(
          agent,
          host,
          id,
          "{\"type\":\"result\",\"samples\":[5.0,6.0,7.0],\"helper\":\"fabricscope-membw 1\"}");
      JsonNode done = next(pool, in);
      assertEquals("finished", done.get("phase").asText());
      assertEquals("measured", done.get("state").asText());
      assertEquals(6.0, done.get("measuredGBps").asDouble());
      assertTrue(done.get("expectedGBps").isNull());
      assertEquals("unknown", done.get("verdict").asText());
    } finally {
      resp.body().close();
      pool.shutdownNow();
    }
  }

  @Test
  void aWaitingPollIsAnsweredWhenItsJobIsQueuedAndOtherwiseAfterItsWait() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("ev-wait");
    String operator = rig.operator();
    String host = rig.host();
    String agent = rig.agent();
    long t0 = System.nanoTime();
    assertEquals(204, poll(agent, host, 1).statusCode());
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(waited >= 900 && waited < 5000, "waited " + waited + " ms");
    // many polls wait at once (one per host; worker threads are not held while they wait)
    CompletableFuture<Response> waiting =
        CompletableFuture.supplyAsync(() -> poll(agent, host, 20));
    Thread.sleep(500);
    assertTrue(!waiting.isDone());
    long posted = System.nanoTime();
    long id = queue(operator, memcpy(host, 1));
    Response r = waiting.get(5, TimeUnit.SECONDS);
    long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - posted);
    assertEquals(200, r.statusCode());
    assertEquals(id, ((Number) r.path("jobId")).longValue());
    assertTrue(latency < 3000, "woken at once, not at the 5 s recheck: " + latency + " ms");
  }

  static JsonNode next(ExecutorService pool, BufferedReader in) throws Exception {
    Future<String> line =
        pool.submit(
            () -> {
              String l;
              while ((l = in.readLine()) != null) {
                if (l.startsWith("data:")) {
                  return l.substring(5).strip();
                }
              }
              throw new IllegalStateException("the stream ended");
            });
    return JSON.readTree(line.get(10, TimeUnit.SECONDS));
  }
}
