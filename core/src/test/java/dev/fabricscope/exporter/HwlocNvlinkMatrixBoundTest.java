package dev.fabricscope.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.path.HostBuilder;
import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * hwloc's NVLinkBandwidth matrix is dense, ends² values: a valid report of 20,000 GPUs paired by
 * 10,000 NVLinks asked for a 3.2 GB matrix of one viewer's {@code /export?format=hwloc-xml}
 * (fifteenth security review's reading of its fixes). Past {@link HwlocOsDevWriter#MAX_NVLINK_ENDS}
 * ends the matrix is left out and the export stands; at the bound it is written whole.
 */
class HwlocNvlinkMatrixBoundTest {

  /** {@code gpus} GPUs below their own root ports, paired by NVLinks (0-1, 2-3, …). */
  static Report paired(int gpus) {
    HostBuilder b = HostBuilder.host();
    for (int i = 0; i < gpus; i++) {
      String rp = String.format("%04x:00:00.0", i);
      b.rootPort(rp, 0);
      b.gpu(String.format("%04x:01:00.0", i), rp, 16, 16);
    }
    for (int i = 0; i + 1 < gpus; i += 2) {
      b.nvlink(String.format("%04x:01:00.0", i), String.format("%04x:01:00.0", i + 1), 4);
    }
    return b.build();
  }

  @Test
  void twentyThousandEndsLeaveTheMatrixOut() {
    Report r = paired(20_000);
    String xml = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> HwlocXmlExporter.write(r));
    assertFalse(xml.contains("NVLinkBandwidth"));
    assertTrue(count(xml, "type=\"PCIDev\"") >= 20_000, "every GPU still exported");
  }

  @Test
  void atTheBoundTheMatrixIsWrittenPastItNot() {
    int bound = HwlocOsDevWriter.MAX_NVLINK_ENDS;
    String at = HwlocXmlExporter.write(paired(bound));
    assertTrue(
        at.contains("nbobjs=\"" + bound + "\" kind=\"25\" name=\"NVLinkBandwidth\""),
        "written whole");
    assertFalse(HwlocXmlExporter.write(paired(bound + 2)).contains("NVLinkBandwidth"));
  }

  /** Generated sizes around the bound: the matrix is there exactly when the ends fit. */
  @Test
  void generatedSizes() {
    Random random = new Random(1512);
    for (int t = 0; t < 6; t++) {
      int gpus = 2 * (1 + random.nextInt(HwlocOsDevWriter.MAX_NVLINK_ENDS));
      String xml = HwlocXmlExporter.write(paired(gpus));
      assertEquals(
          gpus <= HwlocOsDevWriter.MAX_NVLINK_ENDS, xml.contains("NVLinkBandwidth"), "" + gpus);
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
