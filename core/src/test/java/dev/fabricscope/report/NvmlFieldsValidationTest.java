package dev.fabricscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.topology.Report;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@code gpus[].nvml} comes from agents, so it is held to the schema like every other field: the
 * real H200 host with driver answers passes; each hostile variant (oversized text, values outside
 * the enums, a remote bus id that is a path, unbounded lists, unknown fields) is refused, one named
 * case each and many generated.
 */
class NvmlFieldsValidationTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode h200WithNvml() throws Exception {
    return (ObjectNode) JSON.readTree(ReportJson.write(H200WithNvml.report()));
  }

  private static ObjectNode nvml(ObjectNode report) {
    return (ObjectNode) report.get("gpus").get(0).get("nvml");
  }

  private static Map<String, Consumer<ObjectNode>> cases() {
    return Map.of(
        "productName 10,000 characters", n -> n.put("productName", "x".repeat(10_000)),
        "virtualization outside the enum", n -> n.put("virtualization", "$(reboot)"),
        "computeCapability not major.minor", n -> n.put("computeCapability", "9.0; rm"),
        "remoteBusId a path",
            n -> ((ObjectNode) n.get("nvlinks").get(0)).put("remoteBusId", "../../etc/passwd"),
        "link index beyond NVML's", n -> ((ObjectNode) n.get("nvlinks").get(0)).put("link", 4096),
        "p2p status outside the enum",
            n -> ((ObjectNode) n.get("peers").get(0)).put("read", "ok\nDRIVER_DISAGREES"),
        "negative memory", n -> n.put("memoryBytes", -1),
        "unknown field", n -> n.put("evil", true),
        "2,000 peers",
            n -> {
              for (int i = 0; i < 2000; i++) {
                n.withArray("peers").add(n.get("peers").get(0).deepCopy());
              }
            });
  }

  private static byte[] bytes(ObjectNode report) throws Exception {
    return JSON.writeValueAsBytes(report);
  }

  @Test
  void theRealHostWithDriverAnswersPasses() throws Exception {
    Report r = ReportValidator.get().parse(bytes(h200WithNvml()));
    assertEquals("NVIDIA H200", r.gpus().get(0).nvml().productName());
  }

  @Test
  void everyHostileVariantIsRefused() throws Exception {
    for (var c : cases().entrySet()) {
      ObjectNode report = h200WithNvml();
      c.getValue().accept(nvml(report));
      byte[] b = bytes(report);
      assertThrows(
          ReportValidator.InvalidReport.class, () -> ReportValidator.get().parse(b), c.getKey());
    }
  }

  @Test
  void generatedHostileStringsInEveryTextFieldAreRefused() throws Exception {
    ObjectNode base = h200WithNvml();
    List<String> fields =
        List.of("virtualization", "computeCapability", "remoteBusId", "remoteType", "read");
    List<String> values = new ArrayList<>();
    java.util.Random random = new java.util.Random(12);
    for (int i = 0; i < 200; i++) {
      StringBuilder s = new StringBuilder();
      for (int k = 1 + random.nextInt(40); k > 0; k--) {
        s.append((char) (0x20 + random.nextInt(0x5f)));
      }
      values.add(s.append(";").toString()); // never a valid enum value, BDF or version
    }
    int refused = 0;
    for (String v : values) {
      for (String f : fields) {
        ObjectNode report = base.deepCopy();
        ObjectNode n = nvml(report);
        ObjectNode target =
            f.equals("remoteBusId") || f.equals("remoteType")
                ? (ObjectNode) n.get("nvlinks").get(0)
                : f.equals("read") ? (ObjectNode) n.get("peers").get(0) : n;
        target.put(f, v);
        byte[] b = bytes(report);
        assertThrows(
            ReportValidator.InvalidReport.class,
            () -> ReportValidator.get().parse(b),
            f + "=" + new String(v.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        refused++;
      }
    }
    assertEquals(1000, refused);
  }
}
