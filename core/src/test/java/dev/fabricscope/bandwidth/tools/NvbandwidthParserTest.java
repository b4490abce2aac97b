package dev.fabricscope.bandwidth.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.oracle.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * nvbandwidth v0.8 on one H200 ({@code
 * shared/fixtures/gpu-hosts/h200-passthrough.nvbandwidth.json}, the {@code -j} report the agent
 * asks for). Expected numbers are read off that file.
 */
class NvbandwidthParserTest {

  private static String gpuHost(String suffix) {
    return Fixtures.read(
        Fixtures.root().resolve("gpu-hosts/h200-passthrough.nvbandwidth" + suffix));
  }

  private static BandwidthSpec spec(BandwidthKind kind, String source, String target) {
    return BandwidthSpec.of(
        kind, Endpoint.parse(source), Endpoint.parse(target), 256L << 20, 10, null, 1, false);
  }

  @Test
  void jsonReport() throws Exception {
    NvbandwidthReport r = NvbandwidthParser.parseJson(gpuHost(".json"));
    assertEquals("v0.8", r.version());
    assertEquals("580.159.04", r.driverVersion());
    assertEquals(List.of("0: NVIDIA H200 (00000000:00:06): (vm)"), r.devices());
    assertEquals(
        55.4275, r.testcase("host_to_device_memcpy_ce").orElseThrow().value(0, 0).orElseThrow());
    assertEquals(55.427515176, r.testcase("host_to_device_memcpy_ce").orElseThrow().sum());
    assertEquals("Waived", r.testcase("device_to_device_memcpy_write_ce").orElseThrow().status());
    assertEquals(
        1196.51, r.testcase("host_device_latency_sm").orElseThrow().value(0, 0).orElseThrow());
  }

  @Test
  void kindsFromTheJsonReport() throws Exception {
    NvbandwidthReport r = NvbandwidthParser.parseJson(gpuHost(".json"));
    assertEquals(
        55.4275, NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_H2D, "numa:0", "gpu:0"), r));
    assertEquals(
        55.3736, NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_D2H, "gpu:0", "numa:0"), r));
    // both directions of the bidirectional pair: 51.7965 + 50.8013
    assertEquals(
        102.5978,
        NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_BIDIR, "numa:0", "gpu:0"), r),
        1e-9);
    assertEquals(
        2092.04, NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_D2D, "gpu:0", "gpu:0"), r));
    // the GPU by its BDF, found in the device list's bus id (00000000:00:06)
    assertEquals(
        55.4275,
        NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_H2D, "numa:0", "0000:00:06.0"), r));
    ToolOutputException waived =
        assertThrows(
            ToolOutputException.class,
            () -> NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_P2P, "gpu:0", "gpu:1"), r));
    assertEquals(
        "nvbandwidth device_to_device_memcpy_write_ce was waived, no values", waived.getMessage());
    assertThrows(
        ToolOutputException.class,
        () -> NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_H2D, "numa:0", "gpu:1"), r));
    assertThrows(
        ToolOutputException.class,
        () -> NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_H2D, "numa:0", "0000:00:07.0"), r));
  }

  @Test
  void notApplicableCellsAreEmpty() throws Exception {
    String json =
        "{\"nvbandwidth\":{\"version\":\"v0.8\",\"GPU Device list\":[\"0: A (00000000:17:00)\","
            + "\"1: B (00000000:65:00)\"],\"testcases\":[{\"name\":\"device_to_device_memcpy_write_ce\","
            + "\"status\":\"Passed\",\"bandwidth_matrix\":[[\"N/A\",\"20.5\"],[\"21.25\",\"N/A\"]],"
            + "\"sum\":41.75}]}}";
    NvbandwidthReport r = NvbandwidthParser.parseJson(json);
    assertTrue(r.testcase("device_to_device_memcpy_write_ce").orElseThrow().value(0, 0).isEmpty());
    assertEquals(20.5, NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_P2P, "gpu:0", "gpu:1"), r));
    assertEquals(
        21.25, NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_P2P, "gpu:1", "gpu:0"), r));
    assertEquals(
        21.25,
        NvbandwidthTestcases.gbps(spec(BandwidthKind.GPU_P2P, "0000:65:00.0", "0000:17:00.0"), r));
    assertNull(r.driverVersion());
  }

  @Test
  void hostileReportsAreRefused() {
    String good = gpuHost(".json");
    String[] bad = {
      "",
      "ERROR: Invalid Arguments",
      "{\"nvbandwidth\":{\"error\":\"cuInit failed:\\n CUDA_ERROR_NO_DEVICE\"}}",
      "{\"other\":{}}",
      good.replace("\"55.4275\"", "\"fast\""),
      good.replace("\"55.4275\"", "\"-1\""),
      good.replace("\"55.4275\"", "\"NaN\""),
      good.replace("\"55.4275\"", "[]"),
      good.replace("\"testcases\"", "\"cases\""),
      good.replace("\"name\" : \"host_to_device_memcpy_ce\",", ""),
      good.replace("[\n\t\t\t\t\t\t\"55.4275\"\n\t\t\t\t\t]", "[\"1\"],[\"1\",\"2\"]"),
      "{".repeat(NvbandwidthParser.MAX_CHARS + 1),
    };
    for (String out : bad) {
      ToolOutputException e =
          assertThrows(
              ToolOutputException.class,
              () -> NvbandwidthParser.parseJson(out),
              out.length() > 80 ? out.substring(0, 80) : out);
      assertTrue(e.getMessage().startsWith("nvbandwidth"), e.getMessage());
      assertFalse(e.getMessage().chars().anyMatch(ch -> ch < 0x20), e.getMessage());
    }
  }
}
