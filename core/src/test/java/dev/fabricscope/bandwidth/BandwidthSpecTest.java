package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A spec exists only within the documented ranges, with endpoints that fit its kind. */
class BandwidthSpecTest {

  private static BandwidthSpec of(
      String kind, String source, String target, long bytes, int reps, int threads) {
    return BandwidthSpec.of(
        BandwidthKind.of(kind),
        Endpoint.parse(source),
        Endpoint.parse(target),
        bytes,
        reps,
        null,
        threads,
        false);
  }

  private static String refusal(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void validSpecs() {
    assertEquals(4, of("host-memcpy", "numa:0", "numa:1", 1L << 20, 5, 4).threads());
    assertEquals(BandwidthKind.GPU_P2P, of("gpu-p2p", "gpu:0", "gpu:1", 4096, 1, 1).kind());
    assertTrue(of("rdma-write", "rdma:rxe0", "rdma:rxe1", 65536, 1000, 1).kind().twoSided());
  }

  @Test
  void outOfRangeAndMismatchedEndpointsAreRefused() {
    assertTrue(refusal(() -> of("host-memcpy", "numa:0", "numa:0", 4095, 1, 1)).startsWith("size"));
    assertTrue(
        refusal(() -> of("host-memcpy", "numa:0", "numa:0", 17L << 30, 1, 1)).startsWith("size"));
    assertTrue(
        refusal(() -> of("host-memcpy", "numa:0", "numa:0", 4096, 0, 1)).startsWith("repeat"));
    assertTrue(
        refusal(() -> of("host-memcpy", "numa:0", "numa:0", 4096, 1001, 1)).startsWith("repeat"));
    assertTrue(
        refusal(() -> of("host-memcpy", "numa:0", "numa:0", 4096, 1, 257)).startsWith("threads"));
    assertTrue(refusal(() -> of("gpu-h2d", "numa:0", "gpu:0", 4096, 1, 2)).startsWith("threads"));
    assertTrue(refusal(() -> of("gpu-h2d", "gpu:0", "gpu:1", 4096, 1, 1)).startsWith("source"));
    assertTrue(
        refusal(() -> of("rdma-write", "rdma:rxe0", "addr:10.0.0.1", 4096, 1, 1))
            .startsWith("target"));
    assertTrue(refusal(() -> of("gpu-p2p", "gpu:1", "gpu:1", 4096, 1, 1)).startsWith("gpu-p2p"));
    assertTrue(
        refusal(
                () ->
                    BandwidthSpec.of(
                        BandwidthKind.HOST_MEMCPY,
                        Endpoint.numa(0),
                        Endpoint.numa(0),
                        4096,
                        1,
                        301,
                        1,
                        false))
            .startsWith("duration"));
    assertTrue(
        refusal(
                () ->
                    BandwidthSpec.of(
                        BandwidthKind.HOST_MEMCPY,
                        Endpoint.numa(0),
                        Endpoint.numa(0),
                        4096,
                        1,
                        null,
                        1,
                        true))
            .startsWith("pageable"));
    assertTrue(refusal(() -> BandwidthKind.of("tcp;reboot")).contains("host-memcpy|"));
  }

  @Test
  void sizesAreBinaryMultiples() {
    assertEquals(256L << 20, ByteSizes.parse("256M"));
    assertEquals(1L << 30, ByteSizes.parse("1G"));
    assertEquals(4096, ByteSizes.parse("4K"));
    assertEquals(4096, ByteSizes.parse("4096"));
    assertEquals(64L << 20, ByteSizes.parse("64MiB"));
    assertEquals("256M", ByteSizes.format(256L << 20));
    assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("1T"));
    assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("-1M"));
    assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("1M;id"));
    assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse("999999999999G"));
  }
}
