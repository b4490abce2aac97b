package dev.fabricscope.agent.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.isolation.ChildOutcome;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.NvmlGpu;
import dev.fabricscope.topology.NvmlLink;
import dev.fabricscope.topology.NvmlPeer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parent's side of the isolated NVML read: the child's JSON comes back as the very snapshot the
 * child had (so a healthy driver's report is unchanged), and anything else is absent with a reason.
 */
class IsolatedNvmlReaderTest {

  private static NvmlGpu gpu(String name, String peer) {
    return new NvmlGpu(
        name,
        "GPU-1",
        null,
        7L,
        "9.0",
        150L << 30,
        "570.1",
        "12.8",
        12080,
        5,
        5,
        5,
        16,
        16,
        0L,
        null,
        "pass-through",
        false,
        null,
        List.of(new NvmlLink(0, true, 4, peer, "gpu")),
        List.of(new NvmlPeer(peer, "ok", "ok", "ok", null, "single")));
  }

  @Test
  void theChildsAnswerIsTheSnapshotItPrinted() throws Exception {
    Map<String, NvmlGpu> gpus = new LinkedHashMap<>();
    gpus.put("0000:07:00.0", gpu("NVIDIA H200", "0000:06:00.0"));
    gpus.put("0000:06:00.0", gpu("NVIDIA H200 \u00e9", "0000:07:00.0"));
    NvmlSnapshot s = new NvmlSnapshot(gpus, null);
    String json = ReportJson.mapper().writeValueAsString(s);
    NvmlSnapshot back = IsolatedNvmlReader.snapshot(new ChildOutcome(json, null));
    assertEquals(s, back);
    assertEquals(List.copyOf(gpus.keySet()), List.copyOf(back.gpus().keySet()), "driver order");
    NvmlSnapshot absent = NvmlSnapshot.absent("nvmlInit: Driver Not Loaded");
    assertEquals(
        absent,
        IsolatedNvmlReader.snapshot(
            new ChildOutcome(ReportJson.mapper().writeValueAsString(absent), null)));
  }

  @Test
  void noAnswerOrABadOneIsAbsentWithTheReason() {
    assertEquals(
        NvmlSnapshot.absent("no answer within 30 s"),
        IsolatedNvmlReader.snapshot(ChildOutcome.failed("no answer within 30 s")));
    for (String bad :
        List.of("{", "[]", "{\"gpus\":7}", "\"x\"", "{\"gpus\":{\"a\":{\"nvlinks\":3}}}")) {
      NvmlSnapshot s = IsolatedNvmlReader.snapshot(new ChildOutcome(bad, null));
      assertTrue(s.gpus().isEmpty(), bad);
      assertTrue(s.absent().startsWith("the NVML reader's answer "), bad + ": " + s.absent());
      assertTrue(!s.absent().contains("\n") && s.absent().length() <= 240, s.absent());
    }
    assertEquals(
        "the NVML reader's answer holds no GPUs field",
        IsolatedNvmlReader.snapshot(new ChildOutcome("{}", null)).absent());
  }
}
