package dev.fabricscope.agent.bandwidth.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.memory.FakeTree;
import dev.fabricscope.agent.bandwidth.memory.MemoryBudget;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  /**
   * Over the budget, every kind with host buffers is refused before the driver is even loaded:
   * without a driver the answer would otherwise be "no CUDA driver"; copies between GPUs take no
   * host memory and get that far.
   */
  @Test
  void hostBuffersOverTheBudgetAreRefusedBeforeTheDriverLoads(@TempDir Path dir) {
    MemoryBudget budget = smallPod(dir); // 32 MiB for tests
    CudaCopyHelper h = new CudaCopyHelper(NO_DRIVER, budget);
    for (boolean pageable : new boolean[] {false, true}) {
      for (BandwidthKind k : List.of(BandwidthKind.GPU_H2D, BandwidthKind.GPU_D2H)) {
        assertTrue(refusal(h, k, 33L << 20, pageable).startsWith(k.json() + " needs 33 MiB"));
        assertTrue(refusal(h, k, 32L << 20, pageable).contains("no CUDA driver"));
      }
      String bidir = refusal(h, BandwidthKind.GPU_BIDIR, 17L << 20, pageable);
      assertTrue(bidir.startsWith("gpu-bidir needs 34 MiB of host memory, 32 MiB available ("));
      assertTrue(refusal(h, BandwidthKind.GPU_BIDIR, 16L << 20, pageable).contains("no CUDA"));
    }
    assertTrue(refusal(h, BandwidthKind.GPU_D2D, 1L << 30, false).contains("no CUDA driver"));
    assertEquals(0, budget.reservedBytes(), "a failed load gives the reservation back");
  }

  /**
   * Through the CUDA driver's test double (src/test/c/fake_cuda.c, which appends each call it
   * answers to $FAKE_CUDA_CALLS): a refused test makes no call at all; one that fits runs, and its
   * reservation is given back when its buffers are freed.
   */
  @Test
  void aRefusedTestMakesNoDriverCall(@TempDir Path dir) throws Exception {
    Path fake = Path.of("target/test-native/libcuda.so").toAbsolutePath();
    assertTrue(Files.exists(fake), fake + " (built at process-test-classes)");
    Path calls = dir.resolve("calls");
    LibC libc = Native.load("c", LibC.class);
    assertEquals(0, libc.setenv("FAKE_CUDA_CALLS", calls.toString(), 1));
    try {
      MemoryBudget budget = smallPod(dir);
      CudaCopyHelper h = new CudaCopyHelper(List.of(fake.toString()), budget);
      String refused = refusal(h, BandwidthKind.GPU_BIDIR, 17L << 20, false);
      assertTrue(refused.startsWith("gpu-bidir needs 34 MiB"), refused);
      assertFalse(Files.exists(calls), "driver calls made: " + calls);
      BandwidthSpec fits =
          BandwidthSpec.of(
              BandwidthKind.GPU_BIDIR,
              Endpoint.numa(0),
              Endpoint.gpu(0),
              1 << 20,
              2,
              null,
              1,
              false);
      assertEquals(2, h.run(fits, null, Cancellation.within(30)).samplesGBps().size());
      assertTrue(Files.readAllLines(calls).contains("cuMemHostRegister_v2"));
      assertEquals(0, budget.reservedBytes());
    } finally {
      libc.unsetenv("FAKE_CUDA_CALLS");
    }
  }

  /** libc's environment, which the test double reads (Java's own view of it is read-only). */
  interface LibC extends Library {
    int setenv(String name, String value, int overwrite);

    int unsetenv(String name);
  }

  /** A pod of 64 MiB with nothing in use: tests may take 32 MiB. */
  private static MemoryBudget smallPod(Path dir) {
    FakeTree pod = new FakeTree(dir.resolve("pod")).selfCgroup("0::/\n").v2("/", 64L << 20, 0, 0);
    return new MemoryBudget(pod::sysfs, () -> 0);
  }

  private static String refusal(CudaCopyHelper h, BandwidthKind k, long bytes, boolean pageable) {
    Endpoint host = Endpoint.numa(0);
    BandwidthSpec spec =
        BandwidthSpec.of(
            k,
            k == BandwidthKind.GPU_D2H || k == BandwidthKind.GPU_D2D ? Endpoint.gpu(0) : host,
            k == BandwidthKind.GPU_D2H ? host : Endpoint.gpu(0),
            bytes,
            3,
            null,
            1,
            pageable);
    HelperException e =
        assertThrows(HelperException.class, () -> h.run(spec, null, Cancellation.within(10)));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void driverVersionsReadAsCudaReleases() {
    assertEquals("13.0", CudaCopyHelper.version(13000));
    assertEquals("12.8", CudaCopyHelper.version(12080));
  }
}
