package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fabricscope.security.ApiException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The import slots: {@code take} holds one, {@code takeAll} every one (an ibnetdiscover parse runs
 * beside no other import); a request that does not get what it asks for within the wait is a 503,
 * and every slot comes back when closed.
 */
class ImportSlotsTest {

  @Test
  void takeAllWaitsForEverySlotAndKeepsOthersOut() {
    ImportSlots slots = new ImportSlots(3, Duration.ofMillis(20));
    try (var one = slots.take()) {
      ApiException e = assertThrows(ApiException.class, slots::takeAll);
      assertEquals(503, e.status());
    }
    try (var all = slots.takeAll()) {
      assertEquals(503, assertThrows(ApiException.class, slots::take).status());
    }
    assertEquals(3, slots.slots().availablePermits());
  }

  /** Random sequences of takes and releases against a count of what is held. */
  @Test
  void generatedSequencesGiveEverySlotBack() {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      int n = 1 + random.nextInt(4);
      ImportSlots slots = new ImportSlots(n, Duration.ofMillis(1));
      Deque<ImportSlots.Slot> held = new ArrayDeque<>();
      int inUse = 0;
      for (int step = 0; step < 40; step++) {
        if (!held.isEmpty() && random.nextBoolean()) {
          held.pop().close();
          inUse = n - slots.slots().availablePermits();
          continue;
        }
        boolean all = random.nextInt(4) == 0;
        int want = all ? n : 1;
        if (inUse + want <= n) {
          held.push(all ? slots.takeAll() : slots.take());
          inUse += want;
        } else {
          assertThrows(ApiException.class, all ? slots::takeAll : slots::take);
        }
        assertEquals(n - inUse, slots.slots().availablePermits(), "round " + round);
      }
      held.forEach(ImportSlots.Slot::close);
      assertEquals(n, slots.slots().availablePermits());
    }
  }
}
