package dev.fabricscope.agent.bandwidth.cuda;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.isolation.ChildOutcome;

/**
 * The CUDA helper's capability as the isolated probe ({@code IsolatedMain cuda}) answered it: its
 * JSON, or the helper absent with why the child gave none ({@code CUDA driver: no answer within 30
 * s}), so that a wedged or broken driver leaves the gpu-* tests absent instead of the agent silent.
 */
final class IsolatedCudaDetection {

  private static final ObjectMapper CHILD_JSON = new ObjectMapper();

  private IsolatedCudaDetection() {}

  /** The child's answer, or the CUDA helper absent with why the child gave none. */
  static HelperCapability capability(ChildOutcome o) {
    if (o.why() != null) {
      return HelperCapability.absent("cuda", "CUDA driver: " + o.why());
    }
    try {
      HelperCapability c = CHILD_JSON.readValue(o.answer(), HelperCapability.class);
      if (c == null || !"cuda".equals(c.name()) || c.detail() == null) {
        return HelperCapability.absent(
            "cuda", "CUDA driver: the probe's answer is not a capability");
      }
      return c;
    } catch (java.io.IOException e) {
      return HelperCapability.absent(
          "cuda",
          ChildOutcome.failed(
                  "CUDA driver: the probe's answer could not be read: " + e.getMessage())
              .why());
    }
  }
}
