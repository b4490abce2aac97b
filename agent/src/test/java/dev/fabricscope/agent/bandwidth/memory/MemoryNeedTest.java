package dev.fabricscope.agent.bandwidth.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryNeedTest {

  @Test
  void buffersAddUpPerNode() {
    MemoryNeed n = MemoryNeed.of("host-memcpy").on(0, 100).on(1, 164).on(0, 100);
    assertEquals(Map.of(0, 200L, 1, 164L), n.bytesByNode());
    assertEquals(364, n.total());
    assertEquals(0, MemoryNeed.of("gpu-d2d").total());
  }

  @Test
  void negativeOrOverflowingSizesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> MemoryNeed.of("x").on(0, -1));
    MemoryNeed big = MemoryNeed.of("x").on(0, Long.MAX_VALUE);
    assertThrows(ArithmeticException.class, () -> big.on(0, 1));
    assertThrows(ArithmeticException.class, () -> big.on(1, 1).total());
  }
}
