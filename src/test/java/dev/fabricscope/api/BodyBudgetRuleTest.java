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
}
