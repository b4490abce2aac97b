package dev.fabricscope.agent.bandwidth.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.isolation.ChildOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CUDA probe's child answer as the helper's capability, or the helper absent with why. */
class IsolatedCudaDetectionTest {

  @Test
  void theAnswerIsTheCapabilityAndAFaultIsAbsent() throws Exception {
    HelperCapability c =
        new HelperCapability("cuda", true, "12.8", List.of("gpu:0"), "CUDA driver API: gpu:0 x");
    String json = new ObjectMapper().writeValueAsString(c);
    assertEquals(c, IsolatedCudaDetection.capability(new ChildOutcome(json, null)));
    assertEquals(
        HelperCapability.absent("cuda", "CUDA driver: no answer within 30 s"),
        IsolatedCudaDetection.capability(ChildOutcome.failed("no answer within 30 s")));
    for (String bad : List.of("{", "{\"name\":\"iperf3\",\"detail\":\"x\"}", "{}", "null")) {
      HelperCapability a = IsolatedCudaDetection.capability(new ChildOutcome(bad, null));
      assertFalse(a.present(), bad);
      assertTrue(a.detail().startsWith("CUDA driver: the probe's answer"), a.detail());
    }
  }
}
