package dev.fabricscope.agent.isolation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.cuda.CudaCopyHelper;
import dev.fabricscope.agent.nvml.NvmlReader;
import dev.fabricscope.report.ReportJson;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM's entry point ({@link ChildJvm}): asks one native library in this throw-away
 * process and prints the answer as one line of JSON after {@link ChildOutcome#MARKER}. Why a
 * process: a driver that hangs or crashes takes this child with it, not the agent ({@link
 * IsolatedCall}). Not a command of the CLI: the agent starts it, a user has {@code nvml} and {@code
 * bandwidth --capabilities} for the same answers.
 */
public final class IsolatedMain {

  /** The entry reading every GPU through NVML: an {@code NvmlSnapshot}. */
  public static final String NVML = "nvml";

  /** The entry detecting the CUDA driver for the gpu-* tests: a {@code HelperCapability}. */
  public static final String CUDA = "cuda";

  private IsolatedMain() {}

  public static void main(String[] args) throws JsonProcessingException {
    // an agent stopped while this child hangs in the driver must not leave it behind for good:
    // the JVM polls the parent (not our child, so no waitpid) and this ends with it
    ProcessHandle.current()
        .parent()
        .ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    String entry = args.length == 1 ? args[0] : "";
    String json =
        switch (entry) {
          case NVML -> ReportJson.mapper().writeValueAsString(new NvmlReader().read());
          case CUDA -> new ObjectMapper().writeValueAsString(CudaCopyHelper.detectHere());
          default -> null;
        };
    if (json == null) {
      System.err.println("usage: IsolatedMain " + NVML + "|" + CUDA);
      System.exit(2);
    }
    // bytes, not the platform's encoding: the parent decodes UTF-8
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    out.print(ChildOutcome.MARKER + json + "\n");
    out.flush();
    System.exit(out.checkError() ? 1 : 0);
  }
}
