package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expected values on the real H200 host ({@code shared/fixtures/gpu-hosts/}): the link the
 * measurement there names (Gen5 x16, 63.0 GB/s raw per direction) and the pinned copies measured on
 * it (55.3 / 55.2 GB/s), which must pass against the expectation.
 */
class ExpectationsTest {

  static Report h200;
  static JsonNode measured;

  @BeforeAll
  static void discover() throws Exception {
    Path dir = Fixtures.root().resolve("gpu-hosts");
    try (var u = ArchiveExtractor.extract(dir.resolve("h200-passthrough.tar.bz2"))) {
      h200 = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    measured =
        new ObjectMapper()
            .readTree(Files.readString(dir.resolve("h200-passthrough.bandwidth.json")));
  }

  private static BandwidthSpec spec(BandwidthKind kind, String source, String target) {
    return BandwidthSpec.of(
        kind,
        Endpoint.parse(source),
        Endpoint.parse(target),
        BandwidthSpec.DEFAULT_BYTES,
        10,
        null,
        1,
        false);
  }

  @Test
  void h2dOnGen5x16IsTheLinkTimesTheCopyEfficiency() {
    Expectation e =
        new Expectations(Efficiencies.DEFAULTS)
            .expect(spec(BandwidthKind.GPU_H2D, "numa:0", "gpu:0"), h200, h200, null);
    double raw = measured.path("link").path("rawGBpsPerDirection").asDouble();
    assertEquals(63.0, raw);
    // the GPU sits on root bus 00 at 00:06.0 with no bridge: its own link is the path
    assertEquals("0000:00:06.0", e.bottleneck());
    assertEquals(raw * 0.88, e.gbps(), 0.1);
    assertTrue(e.basis().contains("0000:00:06.0"), e.basis());
  }

  @Test
  void theMeasuredPinnedCopiesOfThatHostPass() {
    Expectations ex = new Expectations(Efficiencies.DEFAULTS);
    for (BandwidthKind k : List.of(BandwidthKind.GPU_H2D, BandwidthKind.GPU_D2H)) {
      String from = k == BandwidthKind.GPU_H2D ? "numa:0" : "gpu:0";
      String to = k == BandwidthKind.GPU_H2D ? "gpu:0" : "numa:0";
      Expectation e = ex.expect(spec(k, from, to), h200, h200, null);
      // 1 GiB pinned copies measured there with PyTorch: 55.3 (h2d), 55.2 (d2h)
      double gbps = k == BandwidthKind.GPU_H2D ? 55.3 : 55.2;
      assertEquals(TestVerdict.PASS, TestVerdict.of(gbps, e.gbps(), Efficiencies.DEFAULTS));
      // pageable copies there (17.8 / 13.5) are far below a pinned expectation
      double pageable = k == BandwidthKind.GPU_H2D ? 17.8 : 13.5;
      assertEquals(TestVerdict.FAIL, TestVerdict.of(pageable, e.gbps(), Efficiencies.DEFAULTS));
    }
  }

  @Test
  void bidirectionalCountsBothDirections() {
    Expectation e =
        new Expectations(Efficiencies.DEFAULTS)
            .expect(spec(BandwidthKind.GPU_BIDIR, "numa:0", "gpu:0"), h200, h200, null);
    // 92.0 GB/s both ways were measured there
    assertEquals(63.0 * 2 * 0.73, e.gbps(), 0.2);
    assertEquals(TestVerdict.PASS, TestVerdict.of(92.0, e.gbps(), Efficiencies.DEFAULTS));
  }

  @Test
  void unknownInputsGiveNoExpectation() {
    Expectations ex = new Expectations(Efficiencies.DEFAULTS);
    Expectation none = ex.expect(spec(BandwidthKind.GPU_H2D, "numa:0", "gpu:1"), h200, h200, null);
    assertNull(none.gbps());
    assertTrue(none.basis().contains("gpu:1"), none.basis());
    Expectation memcpy =
        ex.expect(spec(BandwidthKind.HOST_MEMCPY, "numa:0", "numa:0"), h200, h200, null);
    assertNull(memcpy.gbps());
    assertEquals(TestVerdict.UNKNOWN, TestVerdict.of(9.8, memcpy.gbps(), Efficiencies.DEFAULTS));
    Expectation measuredBefore =
        ex.expect(spec(BandwidthKind.HOST_MEMCPY, "numa:0", "numa:0"), h200, h200, 9.8);
    assertEquals(9.8, measuredBefore.gbps());
    assertNull(ex.expect(spec(BandwidthKind.GPU_H2D, "numa:0", "gpu:0"), null, null, null).gbps());
  }
}
