package dev.fabricscope.agent.bandwidth.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without a CUDA driver the helper is absent and every GPU kind answers one clear line; on a GPU
 * host the default detection must find devices (the device script measures them).
 */
class CudaCopyHelperTest {

  private static final List<String> NO_DRIVER =
      List.of("fabricscope-no-such-cuda", "libfabricscope-no-such-cuda.so.1");

  @Test
  void withoutADriverTheCapabilityIsAbsent() {
    HelperCapability c = new CudaCopyHelper(NO_DRIVER).detect();
    assertFalse(c.present());
    assertEquals("cuda", c.name());
    assertTrue(c.devices().isEmpty());
    assertTrue(c.detail().startsWith("no CUDA driver on this host"), c.detail());
  }

  @Test
  void everyGpuKindSaysThereIsNoDriver() {
    CudaCopyHelper h = new CudaCopyHelper(NO_DRIVER);
    for (BandwidthKind k : BandwidthKind.values()) {
      if (!k.gpu()) {
        assertFalse(h.handles(k), k.json());
        continue;
      }
      assertTrue(h.handles(k));
      Endpoint src =
          k == BandwidthKind.GPU_H2D || k == BandwidthKind.GPU_BIDIR
              ? Endpoint.numa(0)
              : Endpoint.gpu(0);
      Endpoint dst =
          k == BandwidthKind.GPU_D2H
              ? Endpoint.numa(0)
              : Endpoint.gpu(k == BandwidthKind.GPU_P2P ? 1 : 0);
      BandwidthSpec spec = BandwidthSpec.of(k, src, dst, 1 << 20, 3, null, 1, false);
      HelperException e =
          assertThrows(HelperException.class, () -> h.run(spec, null, Cancellation.within(10)));
      assertTrue(
          e.getMessage().startsWith(k.json() + ": no CUDA driver on this host"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  /** The host's own driver: absent here means no libcuda; present means GPUs to list. */
  @Test
  void defaultDetectionIsConsistent() {
    HelperCapability c = new CudaCopyHelper().detect();
    if (c.present()) {
      assertFalse(c.devices().isEmpty(), c.toString());
      assertTrue(c.version().matches("\\d+\\.\\d+"), c.version());
    } else {
      assertTrue(
          c.detail().startsWith("no CUDA driver on this host") || c.detail().contains("cuInit"),
          c.detail());
    }
  }

  @Test
  void driverVersionsReadAsCudaReleases() {
    assertEquals("13.0", CudaCopyHelper.version(13000));
    assertEquals("12.8", CudaCopyHelper.version(12080));
  }
}
