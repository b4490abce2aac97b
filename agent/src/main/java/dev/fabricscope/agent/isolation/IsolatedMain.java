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
 * it, not the agent ({@link IsolatedCall}). The entries are a closed list; an unknown one, or
 * arguments an entry does not take, end the child with 2. Not a command of the CLI: the agent
 * starts it, a user has {@code nvml}, {@code bandwidth --capabilities} and {@code bandwidth} for
 * the same answers.
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
    // an agent stopped while this child hangs in the driver must not leave it behind for good:
    // the JVM polls the parent (not our child, so no waitpid) and this ends with it
    ProcessHandle.current()
        .parent()
        .ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    String entry = args.length >= 1 ? args[0] : "";
    List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
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
          "usage: IsolatedMain " + NVML + "|" + CUDA + "|" + GPU_COPY + " FIELDS...");
      System.exit(2);
    }
    // bytes, not the platform's encoding: the parent decodes UTF-8
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    out.print(ChildOutcome.MARKER + json + "\n");
    out.flush();
    System.exit(out.checkError() ? 1 : 0);
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
      System.exit(2);
      return null;
    }
  }
}
