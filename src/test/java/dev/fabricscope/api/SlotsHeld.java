package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs a test step while every {@code /p2p} slot is taken, as a server busy with big views is. */
final class SlotsHeld {

  private SlotsHeld() {}

  /** Takes every free slot of {@code matrices}, runs {@code step}, gives them back. */
  static void during(P2pMatrices matrices, Runnable step) {
    int held = matrices.slots().drainPermits();
    assertTrue(held > 0, "no slot was free to take");
    try {
      step.run();
    } finally {
      matrices.slots().release(held);
    }
  }
}
