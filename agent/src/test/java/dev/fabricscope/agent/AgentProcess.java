package dev.fabricscope.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The shaded agent jar run as a process, as a user runs it, with the test doubles of the vendor
 * libraries on JNA's path when asked ({@code target/test-native}: libcuda, libnvidia-ml).
 */
public final class AgentProcess {

  /** Where the agent build puts the test doubles. */
  public static final Path TEST_NATIVE = Path.of("target/test-native").toAbsolutePath();

  /** Exit code, standard output and standard error of one run. */
  public record Result(int code, String out, String err) {}

  private AgentProcess() {}

  /**
   * Runs the jar with {@code args}.
   *
   * @param tmp the run's temporary folder (its java.io.tmpdir, and where its output is kept)
   * @param doubles whether JNA finds the test doubles before the system's libraries
   * @param env variables added to the inherited environment (the doubles' data files)
   */
  public static Result run(Path tmp, boolean doubles, Map<String, String> env, List<String> args)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (doubles) {
      cmd.add("-Djna.library.path=" + TEST_NATIVE);
    }
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.add("-jar");
    cmd.add(System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    Path out = tmp.resolve("out-" + System.nanoTime());
    Path err = tmp.resolve("err-" + System.nanoTime());
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "agent timed out: " + cmd);
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
