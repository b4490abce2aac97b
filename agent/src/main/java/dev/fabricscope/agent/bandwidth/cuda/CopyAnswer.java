package dev.fabricscope.agent.bandwidth.cuda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.isolation.ChildOutcome;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.text.TerminalText;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The answer line of a gpu-* copy run in a child JVM ({@link IsolatedCopy}): {@code {"samples",
 * "helper", "rawOutput"}}, the {@link Measurement} as the in-process helper returns it, or {@code
 * {"error"}}, the one-line reason the test failed there (no peer access, a failed driver call, the
 * memory budget). Read back as if a stranger had written it: the child ran a vendor's native code
 * in our process space, which may have scribbled on what it prints. Only an answer of exactly one
 * of these shapes passes, with one finite, positive sample per repetition the test asked for.
 */
final class CopyAnswer {

  /** Longest helper name taken ({@code cuda-driver 13.0}: the driver's version, a few digits). */
  static final int MAX_HELPER = 64;

  private static final String HELPER_PREFIX = "cuda-driver ";
  private static final Set<String> MEASUREMENT = Set.of("samples", "helper", "rawOutput");
  // a trailing second document or a duplicated field is not an answer this code printed
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private CopyAnswer() {}

  /** The measurement as the child prints it. */
  static String of(Measurement m) {
    ObjectNode n = JSON.createObjectNode();
    m.samplesGBps().forEach(n.putArray("samples")::add);
    n.put("helper", m.helper());
    n.put("rawOutput", m.rawOutput());
    return n.toString();
  }

  /** The test's failure as the child prints it. */
  static String error(String message) {
    return JSON.createObjectNode().put("error", message == null ? "unknown" : message).toString();
  }

  /**
   * The measurement in the child's answer.
   *
   * @throws HelperException the child's own error, or why its answer is none (one line, bounded)
   */
  static Measurement read(String answer, BandwidthSpec spec) throws HelperException {
    JsonNode n;
    try {
      n = JSON.readTree(answer);
    } catch (JsonProcessingException e) {
      throw refused(spec, "it is not JSON (" + e.getOriginalMessage() + ")");
    }
    if (n == null || !n.isObject()) {
      throw refused(spec, "it is not a JSON object");
    }
    if (n.size() == 1 && n.path("error").isTextual()) {
      // the test's own reason, as the in-process helper words it (it names the kind)
      throw new HelperException(ChildOutcome.failed(n.get("error").asText()).why());
    }
    Set<String> fields = new java.util.HashSet<>();
    n.fieldNames().forEachRemaining(fields::add);
    if (!fields.equals(MEASUREMENT)) {
      throw refused(spec, "its fields are " + ChildOutcome.failed(fields.toString()).why());
    }
    JsonNode raw = n.get("rawOutput");
    if (!raw.isTextual() && !raw.isNull()) {
      throw refused(spec, "its raw output is not text");
    }
    // Measurement cuts a raw output longer than it keeps
    return new Measurement(
        samples(n.get("samples"), spec),
        helper(n.get("helper"), spec),
        raw.isNull() ? null : raw.asText());
  }

  private static List<Double> samples(JsonNode s, BandwidthSpec spec) throws HelperException {
    if (!s.isArray() || s.size() != spec.repetitions()) {
      throw refused(spec, "it does not hold " + spec.repetitions() + " samples");
    }
    List<Double> out = new ArrayList<>(s.size());
    for (Iterator<JsonNode> it = s.elements(); it.hasNext(); ) {
      JsonNode v = it.next();
      double d = v.isNumber() ? v.doubleValue() : Double.NaN;
      if (!Double.isFinite(d) || d <= 0) {
        throw refused(spec, "a sample is not a positive number of GB/s");
      }
      out.add(d);
    }
    return out;
  }

  private static String helper(JsonNode h, BandwidthSpec spec) throws HelperException {
    String text = h.isTextual() ? h.asText() : "";
    boolean printable = text.chars().noneMatch(c -> TerminalText.steers((char) c));
    if (!text.startsWith(HELPER_PREFIX) || text.length() > MAX_HELPER || !printable) {
      throw refused(spec, "its helper is not the CUDA driver's");
    }
    return text;
  }

  private static HelperException refused(BandwidthSpec spec, String why) {
    return new HelperException(
        ChildOutcome.failed(
                spec.kind().json() + ": gpu copy: the child's answer was refused: " + why)
            .why());
  }
}
