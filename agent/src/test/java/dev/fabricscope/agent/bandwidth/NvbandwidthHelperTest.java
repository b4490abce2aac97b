package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nvbandwidth command lines; this build machine has no nvbandwidth (and no GPU). */
class NvbandwidthHelperTest {

  private static final Path NVB = Path.of("/opt/nvbandwidth/nvbandwidth");

  private static BandwidthSpec gpu(
      BandwidthKind kind, String source, String target, long bytes, boolean pageable) {
    return BandwidthSpec.of(
        kind, Endpoint.parse(source), Endpoint.parse(target), bytes, 10, null, 1, pageable);
  }

  @Test
  void commandLinesPerKind() throws Exception {
    assertEquals(
        List.of(
            "/opt/nvbandwidth/nvbandwidth",
            "-j",
            "-t",
            "host_to_device_memcpy_ce",
            "-b",
            "256",
            "-i",
            "10"),
        NvbandwidthHelper.command(
                NVB, gpu(BandwidthKind.GPU_H2D, "numa:0", "gpu:0", 256L << 20, false))
            .argv());
    assertEquals(
        List.of(
            "/opt/nvbandwidth/nvbandwidth",
            "-j",
            "-t",
            "device_to_host_memcpy_ce",
            "-b",
            "64",
            "-i",
            "10"),
        NvbandwidthHelper.command(
                NVB, gpu(BandwidthKind.GPU_D2H, "gpu:1", "numa:0", 64L << 20, false))
            .argv());
    assertEquals(
        List.of(
            "/opt/nvbandwidth/nvbandwidth",
            "-j",
            "-t",
            "host_to_device_bidirectional_memcpy_ce",
            "device_to_host_bidirectional_memcpy_ce",
            "-b",
            "1024",
            "-i",
            "10"),
        NvbandwidthHelper.command(
                NVB, gpu(BandwidthKind.GPU_BIDIR, "numa:0", "gpu:0", 1L << 30, false))
            .argv());
    assertEquals(
        List.of(
            "/opt/nvbandwidth/nvbandwidth",
            "-j",
            "-t",
            "device_local_copy",
            "-b",
            "256",
            "-i",
            "10"),
        NvbandwidthHelper.command(
                NVB, gpu(BandwidthKind.GPU_D2D, "gpu:0", "gpu:0", 256L << 20, false))
            .argv());
    assertEquals(
        List.of(
            "/opt/nvbandwidth/nvbandwidth",
            "-j",
            "-t",
            "device_to_device_memcpy_write_ce",
            "-b",
            "256",
            "-i",
            "10"),
        NvbandwidthHelper.command(
                NVB, gpu(BandwidthKind.GPU_P2P, "gpu:0", "0000:65:00.0", 256L << 20, false))
            .argv());
  }

  @Test
  void whatNvbandwidthCannotDoIsRefused() {
    assertEquals(
        "nvbandwidth copies pinned host memory only; pageable is ours alone",
        assertThrows(
                HelperException.class,
                () ->
                    NvbandwidthHelper.command(
                        NVB, gpu(BandwidthKind.GPU_H2D, "numa:0", "gpu:0", 256L << 20, true)))
            .getMessage());
    assertEquals(
        "nvbandwidth buffer sizes are whole MiB, not 4096 bytes",
        assertThrows(
                HelperException.class,
                () ->
                    NvbandwidthHelper.command(
                        NVB, gpu(BandwidthKind.GPU_H2D, "numa:0", "gpu:0", 4096, false)))
            .getMessage());
    BandwidthSpec tcp =
        BandwidthSpec.of(
            BandwidthKind.TCP,
            Endpoint.numa(0),
            Endpoint.parse("addr:127.0.0.1"),
            4096,
            1,
            1,
            1,
            false);
    assertThrows(HelperException.class, () -> NvbandwidthHelper.command(NVB, tcp));
  }

  @Test
  void absentHereWithoutHarm(@TempDir Path empty) {
    ProcessRunner runner = new ProcessRunner();
    NvbandwidthHelper helper = new NvbandwidthHelper(runner, new ExecutableFinder(List.of(empty)));
    HelperCapability c = helper.detect();
    assertFalse(c.present());
    assertTrue(c.detail().startsWith("nvbandwidth not found in"), c.detail());
    assertTrue(helper.handles(BandwidthKind.GPU_P2P));
    assertFalse(helper.handles(BandwidthKind.RDMA_READ));
    HelperException e =
        assertThrows(
            HelperException.class,
            () ->
                helper.run(
                    gpu(BandwidthKind.GPU_H2D, "numa:0", "gpu:0", 256L << 20, false),
                    null,
                    Cancellation.within(5)));
    assertEquals("nvbandwidth is not installed on this host", e.getMessage());
    assertEquals(0, runner.starts());
  }
}
