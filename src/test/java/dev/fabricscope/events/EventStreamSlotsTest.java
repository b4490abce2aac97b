package dev.fabricscope.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fabricscope.inventory.TokenStore.Role;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link EventStreamSlots}: per caller and in all, against a plain count of open streams. */
class EventStreamSlotsTest {

  static Caller token(long id) {
    return new Caller("t" + id, Role.VIEWER, null, id, null);
  }

  static Caller session(String sid) {
    return person("p", sid);
  }

  /** The signed-on person {@code name} on the session (or provider token) {@code sid}. */
  static Caller person(String name, String sid) {
    return new Caller(
        name, Role.VIEWER, null, 0, new Caller.Session(sid, Instant.MAX, Instant.EPOCH));
  }

  static Caller anonymous() {
    return Caller.ANONYMOUS_READER;
  }

  @Test
  void eachKindOfCallerHasItsOwnPlacesAndAReleaseCountsOnce() {
    EventStreamSlots slots = new EventStreamSlots(2, 100);
    var a = slots.take(token(1), "10.0.0.1");
    slots.take(token(1), "10.0.0.2");
    ApiException e = assertThrows(ApiException.class, () -> slots.take(token(1), "10.0.0.3"));
    assertEquals(429, e.status());
    slots.take(token(2), "10.0.0.1");
    slots.take(session("s1"), "10.0.0.1");
    slots.take(session("s1"), "10.0.0.1");
    assertThrows(ApiException.class, () -> slots.take(session("s1"), "10.0.0.9"));
    slots.take(anonymous(), "10.0.0.1");
    slots.take(anonymous(), "10.0.0.1");
    assertThrows(ApiException.class, () -> slots.take(anonymous(), "10.0.0.1"));
    slots.take(anonymous(), "10.0.0.2"); // anonymous callers are told apart by address
    a.release();
    a.release(); // twice: still one place back
    slots.take(token(1), "x");
    assertThrows(ApiException.class, () -> slots.take(token(1), "x"));
    assertEquals(8, slots.openStreams());
  }

  /**
   * Eighth security review: a provider JWT without {@code sid} is a session of its own, so one
   * person with a fresh token per stream had opened any number. A person's places are theirs
   * whatever session or token they come with; another person has their own.
   */
  @Test
  void aPersonsPlacesAreTheirsAcrossSessionsAndTokens() {
    EventStreamSlots slots = new EventStreamSlots(3, 100);
    for (int i = 0; i < 3; i++) {
      slots.take(person("mallory", "jwt:" + i), "10.0.0." + i);
    }
    assertEquals(
        429,
        assertThrows(ApiException.class, () -> slots.take(person("mallory", "jwt:new"), "x"))
            .status());
    slots.take(person("vera", "jwt:0"), "10.0.0.1"); // another person, the same token id
  }

  /** Generated people, each with a fresh session per stream: at most the per-caller count each. */
  @Test
  void generatedFreshSessionsOfOnePersonShareTheirPlaces() {
    Random random = new Random(86);
    for (int round = 0; round < 30; round++) {
      int perCaller = 1 + random.nextInt(5);
      EventStreamSlots slots = new EventStreamSlots(perCaller, 1000);
      Map<String, Integer> open = new HashMap<>();
      for (int step = 0; step < 100; step++) {
        String name = "person" + random.nextInt(4);
        Caller fresh = person(name, "jwt:" + round + "-" + step);
        if (open.getOrDefault(name, 0) < perCaller) {
          slots.take(fresh, "10.0.0." + random.nextInt(255));
          open.merge(name, 1, Integer::sum);
        } else {
          assertThrows(ApiException.class, () -> slots.take(fresh, "10.0.0.1"));
        }
      }
    }
  }

  @Test
  void theServerWideLimitHoldsAcrossCallers() {
    EventStreamSlots slots = new EventStreamSlots(5, 3);
    slots.take(token(1), "a");
    slots.take(token(2), "a");
    var third = slots.take(token(3), "a");
    assertEquals(429, assertThrows(ApiException.class, () -> slots.take(token(4), "a")).status());
    third.release();
    slots.take(token(4), "a");
    assertEquals(3, slots.openStreams());
  }

  /** Random takes and releases by many callers agree with counting them by hand. */
  @Test
  void generatedTakesAndReleasesMatchTheCount() {
    Random random = new Random(20261206);
    for (int round = 0; round < 50; round++) {
      int perCaller = 1 + random.nextInt(4);
      int total = 1 + random.nextInt(12);
      EventStreamSlots slots = new EventStreamSlots(perCaller, total);
      Map<Long, Integer> byCaller = new HashMap<>();
      List<Object[]> held = new ArrayList<>();
      for (int step = 0; step < 200; step++) {
        if (!held.isEmpty() && random.nextInt(3) == 0) {
          Object[] h = held.remove(random.nextInt(held.size()));
          ((EventStreamSlots.Slot) h[1]).release();
          byCaller.merge((Long) h[0], -1, Integer::sum);
          continue;
        }
        long caller = 1 + random.nextInt(5);
        boolean fits = byCaller.getOrDefault(caller, 0) < perCaller && held.size() < total;
        if (fits) {
          held.add(new Object[] {caller, slots.take(token(caller), "a")});
          byCaller.merge(caller, 1, Integer::sum);
        } else {
          assertThrows(ApiException.class, () -> slots.take(token(caller), "a"));
        }
        assertEquals(held.size(), slots.openStreams(), "round " + round + " step " + step);
      }
    }
  }
}
