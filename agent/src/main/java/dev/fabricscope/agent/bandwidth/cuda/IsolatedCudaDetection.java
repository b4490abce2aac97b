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

  // a trailing second document or a repeated field is not an answer the child printed
  private static final ObjectMapper CHILD_JSON =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Devices taken at most: the driver counts GPUs in an int, a host has a few dozen at most. */
  static final int MAX_DEVICES = 256;

  /** Longest device name ({@code gpu:12}) and version ({@code 13.0}) taken. */
  static final int MAX_FIELD = 64;

  /** Longest detail taken: a line per GPU of bus id and product name, for {@link #MAX_DEVICES}. */
  static final int MAX_DETAIL = 32 << 10;

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
      if (!within(c)) {
        // security review 18, #2: what the driver API can say, no more
        return HelperCapability.absent(
            "cuda", "CUDA driver: the probe's answer was refused: it is out of bounds");
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

  /** Whether every field is as long, and as printable, as the probe makes it. */
  static boolean within(HelperCapability c) {
    return c.devices().size() <= MAX_DEVICES
        && c.devices().stream().allMatch(d -> printable(d, MAX_FIELD))
        && (c.version() == null || printable(c.version(), MAX_FIELD))
        && printable(c.detail(), MAX_DETAIL);
  }

  private static boolean printable(String s, int max) {
    return s != null
        && s.length() <= max
        && s.chars().noneMatch(ch -> dev.fabricscope.text.TerminalText.steers((char) ch));
  }
}
