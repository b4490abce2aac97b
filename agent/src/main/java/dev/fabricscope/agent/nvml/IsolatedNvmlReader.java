package dev.fabricscope.agent.nvml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.fabricscope.agent.isolation.ChildOutcome;
import dev.fabricscope.agent.isolation.IsolatedCall;
import dev.fabricscope.agent.isolation.IsolatedMain;
import dev.fabricscope.report.ReportJson;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * NVML read in a child JVM with a deadline ({@link IsolatedCall}): the answers are {@link
 * NvmlReader}'s, field for field, and an NVML that hangs or crashes is an {@link
 * NvmlSnapshot#absent} answer ({@code no answer within 30 s}, {@code the NVML reader exited with
 * 134 ...}) rather than a silent or dead agent (security review 17). Every command that adds NVML
 * to a report reads it this way.
 */
public final class IsolatedNvmlReader implements Supplier<NvmlSnapshot> {

  private final IsolatedCall call;

  /** A reader whose child has {@code deadline} to answer. */
  public IsolatedNvmlReader(Duration deadline) {
    this(new IsolatedCall(IsolatedMain.NVML, "the NVML reader", deadline));
  }

  IsolatedNvmlReader(IsolatedCall call) {
    this.call = call;
  }

  /** Asks a child; absent (with the reason) when it does not answer. */
  @Override
  public NvmlSnapshot get() {
    return snapshot(call.call());
  }

  /**
   * The child's outcome as a snapshot: its answer, within the bounds of what NVML can say ({@link
   * NvmlAnswer}), or absent with why there is none. A second document or a repeated field is not an
   * answer the child printed.
   */
  static NvmlSnapshot snapshot(ChildOutcome o) {
    if (o.why() != null) {
      return NvmlSnapshot.absent(o.why());
    }
    try {
      NvmlSnapshot s =
          ReportJson.mapper()
              .readerFor(NvmlSnapshot.class)
              .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
              .readValue(o.answer());
      if (s == null || s.gpus() == null) {
        return NvmlSnapshot.absent("the NVML reader's answer holds no GPUs field");
      }
      String problem = NvmlAnswer.problem(s);
      if (problem != null) {
        return NvmlSnapshot.absent(
            ChildOutcome.failed("the NVML reader's answer was refused: " + problem).why());
      }
      if (s.absent() != null) {
        // the driver's own words (nvmlErrorString): one bounded, printable line
        return NvmlSnapshot.absent(ChildOutcome.failed(s.absent()).why());
      }
      return s;
    } catch (IOException e) {
      return NvmlSnapshot.absent(
          ChildOutcome.failed("the NVML reader's answer could not be read: " + e.getMessage())
              .why());
    }
  }
}
