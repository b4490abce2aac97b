package dev.fabricscope.agent.isolation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.cuda.CudaCopyHelper;
import dev.fabricscope.agent.bandwidth.cuda.IsolatedCopy;
import dev.fabricscope.agent.nvml.NvmlReader;
import dev.fabricscope.report.ReportJson;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The child JVM's entry point ({@link ChildJvm}): asks one native library in this throw-away
 * process, or runs one gpu-* copy test through it, and prints the answer as one line of JSON after
 * {@link ChildOutcome#MARKER}. Why a process: a driver that hangs or crashes takes this child with
 * it, not the agent ({@link IsolatedCall}). The first argument names the agent ({@link
 * ParentWatch}): the child ends at once, with 3, when that agent is gone, or as soon as it goes.
 * The entries are a closed list; an unknown one, or arguments an entry does not take, end the child
 * with 2. The answer is printed once, and the child ends right after it ({@link ChildExit}), before
 * any library's exit code runs. Not a command of the CLI: the agent starts it, a user has {@code
 * nvml}, {@code bandwidth --capabilities} and {@code bandwidth} for the same answers.
 */
public final class IsolatedMain {

  /** The entry reading every GPU through NVML: an {@code NvmlSnapshot}. */
  public static final String NVML = "nvml";

  /** The entry detecting the CUDA driver for the gpu-* tests: a {@code HelperCapability}. */
  public static final String CUDA = "cuda";

  /**
   * The entry running one gpu-* copy test, its checked fields after the name ({@code
   * IsolatedCopy#args}): the measurement or the test's error, as JSON.
   */
  public static final String GPU_COPY = "gpu-copy";

  private IsolatedMain() {}

  public static void main(String[] args) throws JsonProcessingException {
    ChildExit.prepare();
    // an agent stopped while this child hangs in the driver must not leave it behind for good
    ParentWatch.watch(args.length >= 1 ? args[0] : "");
    String entry = args.length >= 2 ? args[1] : "";
    List<String> rest = Arrays.asList(args).subList(Math.min(2, args.length), args.length);
    String json =
        switch (entry) {
          case NVML ->
              rest.isEmpty()
                  ? ReportJson.mapper().writeValueAsString(new NvmlReader().read())
                  : null;
          case CUDA ->
              rest.isEmpty()
                  ? new ObjectMapper().writeValueAsString(CudaCopyHelper.detectHere())
                  : null;
          case GPU_COPY -> gpuCopy(rest);
          default -> null;
        };
    if (json == null) {
      System.err.println(
          "usage: IsolatedMain PID:START " + NVML + "|" + CUDA + "|" + GPU_COPY + " FIELDS...");
      ChildExit.now(2);
    }
    // bytes, not the platform's encoding: the parent decodes UTF-8
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    out.print(ChildOutcome.MARKER + json + "\n");
    out.flush();
    ChildExit.now(out.checkError() ? 1 : 0);
  }

  /**
   * The copy test's answer; fields that are not a request (checked again here: this entry must not
   * trust its command line) end the child with 2 and the reason, which the parent's reason quotes.
   */
  private static String gpuCopy(List<String> fields) {
    try {
      return IsolatedCopy.answerHere(fields);
    } catch (IllegalArgumentException e) {
      System.err.println(GPU_COPY + ": " + e.getMessage());
      ChildExit.now(2);
      return null;
    }
  }
}
