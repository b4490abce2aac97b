package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fabricscope.security.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The places of whole answers: at most so many per caller (429), and the last few kept for callers
 * that hold fewer than a page's share, so that four callers at six places each no longer fill all
 * 24 (seventeenth security review).
 */
class AnswerPlacesTest {

  @Test
  void greedyCallersLeaveTheReserveToOthers() {
    AnswerPlaces places =
        new AnswerPlaces(
            WholeReports.AT_ONCE,
            WholeReports.PER_CALLER,
            WholeReports.RESERVED,
            WholeReports.BUSY_SHARE);
    int held = 0;
    for (String greedy : List.of("a", "b", "c", "d")) {
      for (int i = 0; i < WholeReports.PER_CALLER; i++) {
        try {
          places.take(greedy, 1);
          held++;
        } catch (ApiException e) {
          assertEquals(503, e.status(), greedy);
        }
      }
    }
    // three fill the places outside the reserve; the fourth, holding none, gets a share of it
    assertEquals(WholeReports.AT_ONCE - WholeReports.RESERVED + WholeReports.BUSY_SHARE, held);
    // everyone else gets a page's share each, until the reserve is gone
    for (int i = 0; i < WholeReports.RESERVED - WholeReports.BUSY_SHARE; i++) {
      places.take("other-" + (i / WholeReports.BUSY_SHARE), 1);
    }
    assertEquals(WholeReports.AT_ONCE, places.inUse());
    assertEquals(503, assertThrows(ApiException.class, () -> places.take("late", 1)).status());
  }

  @Test
  void aCallerPastItsPlacesIsA429AtOnce() {
    AnswerPlaces places = new AnswerPlaces(10, 3, 2, 2);
    for (int i = 0; i < 3; i++) {
      places.take("a", 1);
    }
    assertEquals(429, assertThrows(ApiException.class, () -> places.take("a", 1000)).status());
    places.release("a");
    places.take("a", 1);
  }

  @Test
  void aWaiterGetsAPlaceThatComesFree() throws Exception {
    AnswerPlaces places = new AnswerPlaces(1, 1, 0, 1);
    places.take("a", 1);
    Thread t = new Thread(() -> places.take("b", 5_000));
    t.start();
    Thread.sleep(100);
    places.release("a");
    t.join(5_000);
    assertEquals(1, places.inUse());
  }

  /**
   * The reserve counts the places a caller holds, not its requests that wait: a caller whose
   * earlier requests have ended takes a reserved place for the one still waiting.
   */
  @Test
  void waitingRequestsDoNotMakeACallerBusy() throws Exception {
    AnswerPlaces places = new AnswerPlaces(2, 6, 1, 2);
    places.take("x", 0);
    places.take("a", 0); // the last free place is the reserve: "a" holds none
    java.util.concurrent.CompletableFuture<Void> second =
        java.util.concurrent.CompletableFuture.runAsync(() -> places.take("a", 5_000));
    Thread.sleep(100);
    java.util.concurrent.CompletableFuture<Void> third =
        java.util.concurrent.CompletableFuture.runAsync(() -> places.take("a", 5_000));
    Thread.sleep(100);
    places.release("x"); // one of the two waiting gets it: "a" holds 1 of its share of 2
    java.util.concurrent.CompletableFuture.anyOf(second, third).get(5, TimeUnit.SECONDS);
    places.release("a"); // the first ends: "a" holds 1 again, so the last may take the reserve
    java.util.concurrent.CompletableFuture.allOf(second, third).get(5, TimeUnit.SECONDS);
    assertEquals(2, places.inUse());
  }

  /** Random takes and releases of random callers against a plain model of the three rules. */
  @Test
  void generatedSequencesFollowTheRules() {
    Random random = new Random(17);
    for (int round = 0; round < 200; round++) {
      int atOnce = 1 + random.nextInt(12);
      int perCaller = 1 + random.nextInt(5);
      int reserved = random.nextInt(atOnce);
      int share = 1 + random.nextInt(3);
      AnswerPlaces places = new AnswerPlaces(atOnce, perCaller, reserved, share);
      Map<String, Integer> model = new HashMap<>();
      List<String> holders = new ArrayList<>();
      for (int step = 0; step < 60; step++) {
        if (!holders.isEmpty() && random.nextInt(3) == 0) {
          String who = holders.remove(random.nextInt(holders.size()));
          places.release(who);
          model.merge(who, -1, Integer::sum);
          continue;
        }
        String who = "c" + random.nextInt(5);
        int has = model.getOrDefault(who, 0);
        int free = atOnce - holders.size();
        int expected =
            has >= perCaller ? 429 : free > 0 && (has < share || free > reserved) ? 200 : 503;
        int got;
        try {
          places.take(who, 0);
          got = 200;
          holders.add(who);
          model.merge(who, 1, Integer::sum);
        } catch (ApiException e) {
          got = e.status();
        }
        assertEquals(expected, got, "round " + round + " step " + step);
        assertEquals(holders.size(), places.inUse());
      }
    }
  }
}
