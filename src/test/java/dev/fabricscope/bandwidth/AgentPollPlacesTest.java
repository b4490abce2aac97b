package dev.fabricscope.bandwidth;

import static dev.fabricscope.testing.BandwidthClient.poll;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A host has at most {@code fabricscope.bandwidth.max-polls-per-host} (2) long polls waiting: a
 * review held 4,000 with one agent token. The next is a 429 with Retry-After; places come back when
 * a poll answers, times out, or its client resets the connection.
 */
@QuarkusTest
class AgentPollPlacesTest {

  @Inject BandwidthJobs jobs;

  @TestHTTPResource("/")
  URL base;

  @Test
  void theThirdPollIsRefusedAndPlacesComeBackWhenPollsEnd() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("places");
    CompletableFuture<Response> shortPoll =
        CompletableFuture.supplyAsync(() -> poll(rig.agent(), rig.host(), 3));
    CompletableFuture<Response> longPoll =
        CompletableFuture.supplyAsync(() -> poll(rig.agent(), rig.host(), 30));
    awaitPlaces(rig.host(), 2);
    poll(rig.agent(), rig.host(), 0)
        .then()
        .statusCode(429)
        .header("Retry-After", "5")
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("max-polls-per-host"));
    // another host's agent is not affected
    BandwidthClient.RigHost other = BandwidthClient.rigHost("places-other");
    assertEquals(204, poll(other.agent(), other.host(), 0).statusCode());

    // a timeout gives its place back
    assertEquals(204, shortPoll.get(10, TimeUnit.SECONDS).statusCode());
    awaitPlaces(rig.host(), 1);
    assertEquals(204, poll(rig.agent(), rig.host(), 0).statusCode());
    // so does an answer
    long id = BandwidthClient.queue(rig.operator(), BandwidthClient.memcpy(rig.host(), 1));
    Response answered = longPoll.get(10, TimeUnit.SECONDS);
    assertEquals(200, answered.statusCode());
    assertEquals(id, ((Number) answered.path("jobId")).longValue());
    awaitPlaces(rig.host(), 0);
  }

  @Test
  void pollsWhoseClientResetGiveTheirPlacesToAReconnectAtOnce() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("places-reset");
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      sockets.add(rawPoll(rig.agent(), rig.host(), 60));
    }
    awaitPlaces(rig.host(), 2);
    for (Socket s : sockets) {
      s.setSoLinger(true, 0); // a reset, not a clean close
      s.close();
    }
    // well within the 5 s after which the abandoned polls would notice on their own
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    int status;
    do {
      status = poll(rig.agent(), rig.host(), 0).statusCode();
    } while (status == 429 && System.nanoTime() < until && pause());
    assertEquals(204, status, "a reconnecting agent gets a place");
    awaitPlaces(rig.host(), 0);
  }

  /**
   * Generated: rounds of many concurrent polls of one host, random in number and wait; the places
   * held never exceed 2, every refusal is a 429, and all places come back.
   */
  @Test
  void manyConcurrentPollsNeverHoldMoreThanTwoPlaces() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("places-many");
    Random random = new Random(0x9011L);
    ExecutorService pool = Executors.newFixedThreadPool(24);
    AtomicBoolean sampling = new AtomicBoolean(true);
    AtomicInteger most = new AtomicInteger();
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                most.accumulateAndGet(jobs.pollPlaces(rig.host()), Math::max);
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.start();
    try {
      for (int round = 0; round < 3; round++) {
        int n = 8 + random.nextInt(17);
        List<Future<Integer>> polls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int wait = 1 + random.nextInt(2);
          polls.add(pool.submit(() -> poll(rig.agent(), rig.host(), wait).statusCode()));
        }
        int waited = 0;
        for (Future<Integer> f : polls) {
          int st = f.get(30, TimeUnit.SECONDS);
          assertTrue(st == 204 || st == 429, "status " + st);
          waited += st == 204 ? 1 : 0;
        }
        assertTrue(waited >= 1, "someone waited in round " + round);
        awaitPlaces(rig.host(), 0);
      }
    } finally {
      sampling.set(false);
      sampler.join();
      pool.shutdownNow();
    }
    assertTrue(most.get() <= 2, "at most 2 places held, saw " + most.get());
    assertEquals(2, most.get(), "both places were used");
  }

  /** Sends a poll over a bare socket and leaves it waiting. */
  Socket rawPoll(String token, String host, int waitSeconds) throws Exception {
    Socket s = new Socket(base.getHost(), base.getPort());
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /api/v1/agents/"
                + host
                + "/jobs?waitSeconds="
                + waitSeconds
                + " HTTP/1.1\r\nHost: "
                + base.getHost()
                + "\r\nAuthorization: Bearer "
                + token
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  void awaitPlaces(String host, int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (jobs.pollPlaces(host) != n && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertEquals(n, jobs.pollPlaces(host), "poll places of " + host);
  }

  private static boolean pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }
}
