package dev.fabricscope.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external checker (promtool, redocly) as a process for tests. A missing tool fails the
 * test with how to install it rather than skipping it: {@code .ci/run} installs both, so a skip
 * would hide a broken CI.
 */
public final class Tool {

  private Tool() {}

  /** What a run gave: exit status and stdout and stderr together. */
  public record Result(int exitCode, String output) {}

  /**
   * Runs {@code command} in {@code dir} with {@code env} added, feeding it {@code stdin}.
   *
   * @param install how to get the tool, said when it cannot be started
   */
  public static Result run(
      List<String> command, Path dir, Map<String, String> env, byte[] stdin, String install)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      fail(command.get(0) + " cannot be started (" + e.getMessage() + "): " + install);
      throw e;
    }
    // read while writing: a checker may answer before it has read all of its input
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(output unreadable: " + e.getMessage() + ")";
              }
            });
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish within 120 s");
    }
    return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS));
  }
}
