package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link BodyBudget#take}: what fits beside the bodies being read, one oversized body alone. */
class BodyBudgetRuleTest {

  @Test
  void takesWhatFitsAndOneOversizedBodyWhenNothingElseIsRead() {
    BodyBudget b = new BodyBudget();
    b.setCapacity(100);
    assertTrue(b.take(60));
    assertFalse(b.take(41), "60 + 41 > 100");
    assertTrue(b.take(40));
    assertEquals(100, b.inUse());
    b.give(100);
    assertTrue(
        b.take(500), "alone, a body over the whole budget still goes (slowly, one at a time)");
    assertFalse(b.take(1));
    b.give(500);
    assertEquals(0, b.inUse());
  }

  @Test
  void aSenderHoldsAtMostItsShareAndGivesItBack() {
    BodyBudget b = new BodyBudget();
    b.setCapacity(100);
    assertEquals(BodyBudget.Taken.TAKEN, b.take("a", 30, 40));
    assertEquals(BodyBudget.Taken.SENDER_FULL, b.take("a", 11, 40), "30 + 11 > a's 40");
    assertEquals(BodyBudget.Taken.TAKEN, b.take("a", 10, 40));
    assertEquals(BodyBudget.Taken.TAKEN, b.take("b", 60, 40), "alone, one body over the share");
    assertEquals(BodyBudget.Taken.FULL, b.take("c", 1, 40));
    assertEquals(0, b.heldBy("c"), "a refusal holds nothing");
    b.give("a", 40);
    b.give("b", 60);
    assertEquals(0, b.inUse());
    assertEquals(0, b.heldBy("a"));
  }

  /** Random takes and gives of several senders against a model of the two rules. */
  @Test
  void generatedSequencesFollowTheModel() {
    java.util.Random random = new java.util.Random(7);
    for (int run = 0; run < 200; run++) {
      BodyBudget b = new BodyBudget();
      long capacity = 50 + random.nextInt(200);
      long share = 10 + random.nextInt(100);
      b.setCapacity(capacity);
      java.util.Map<String, java.util.List<Long>> held = new java.util.HashMap<>();
      for (int step = 0; step < 60; step++) {
        String sender = "s" + random.nextInt(4);
        java.util.List<Long> mine = held.computeIfAbsent(sender, k -> new java.util.ArrayList<>());
        if (!mine.isEmpty() && random.nextInt(3) == 0) {
          b.give(sender, mine.remove(mine.size() - 1));
        } else {
          long bytes = 1 + random.nextInt(80);
          long mineNow = mine.stream().mapToLong(Long::longValue).sum();
          long all = held.values().stream().flatMap(java.util.List::stream).mapToLong(x -> x).sum();
          BodyBudget.Taken expected =
              mineNow > 0 && mineNow + bytes > share
                  ? BodyBudget.Taken.SENDER_FULL
                  : all > 0 && all + bytes > capacity
                      ? BodyBudget.Taken.FULL
                      : BodyBudget.Taken.TAKEN;
          assertEquals(expected, b.take(sender, bytes, share), "run " + run + " step " + step);
          if (expected == BodyBudget.Taken.TAKEN) {
            mine.add(bytes);
          }
        }
        long all = held.values().stream().flatMap(java.util.List::stream).mapToLong(x -> x).sum();
        assertEquals(all, b.inUse());
        assertEquals(mine.stream().mapToLong(Long::longValue).sum(), b.heldBy(sender));
      }
    }
  }
}
