package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code completion}: the script bash accepts ({@code bash -n}), and sourced into a real bash it
 * completes the commands, each command's options and the values of the enumerated options.
 */
class CompletionTest {

  @TempDir Path tmp;

  private Path script;

  @BeforeEach
  void generate() throws Exception {
    InProcess.Result r = InProcess.run("completion");
    assertEquals(0, r.code(), r.err());
    script = Files.writeString(tmp.resolve("fabricscope-agent.bash"), r.out());
    assertTrue(r.out().contains("complete -F _complete_fabricscope-agent"), "registers itself");
  }

  @Test
  void bashAcceptsTheScript() throws Exception {
    Bash r = bash("bash", "-n", script.toString());
    assertEquals(0, r.code(), r.out());
    assertEquals(InProcess.run("completion").out(), InProcess.run("generate-completion").out());
  }

  @Test
  void completesCommands() throws Exception {
    assertEquals(
        List.of(
            "collect",
            "gather",
            "topo",
            "explain",
            "plan",
            "nvml",
            "bandwidth",
            "run",
            "completion",
            "generate-completion",
            "help"),
        complete("fabricscope-agent", ""));
    assertEquals(List.of("collect", "completion"), complete("fabricscope-agent", "co"));
  }

  @Test
  void completesOptionsAndTheirValues() throws Exception {
    assertEquals(
        List.of(
            "--driver-timeout", "--fsroot", "--help", "--no-nvml", "--nvml", "--of", "--pretty"),
        complete("fabricscope-agent", "collect", "--").stream().sorted().toList());
    assertEquals(
        List.of("json", "hwloc-xml", "nccl-xml"),
        complete("fabricscope-agent", "collect", "--of", ""));
    assertEquals(List.of("text", "json"), complete("fabricscope-agent", "topo", "--format", ""));
    assertEquals(
        List.of("gpu-to-nic", "gpu-to-host", "gpu-all-to-all", "nvme-to-gpu"),
        complete("fabricscope-agent", "plan", "--pattern", ""));
    assertEquals(
        List.of("rdma-write", "rdma-read", "rdma-send"),
        complete("fabricscope-agent", "bandwidth", "--kind", "rdma"));
    assertTrue(
        complete("fabricscope-agent", "run", "--").containsAll(List.of("--server", "--label")));
  }

  @Test
  void pathOptionsCompleteFiles() throws Exception {
    Files.writeString(tmp.resolve("host-one.tar.gz"), "x");
    assertEquals(
        List.of(tmp.resolve("host-one.tar.gz").toString()),
        complete("fabricscope-agent", "collect", "--fsroot", tmp.resolve("host-o").toString()));
  }

  /** COMPREPLY of the script's function for a command line whose last word is being typed. */
  private List<String> complete(String... words) throws Exception {
    StringBuilder w = new StringBuilder();
    for (String word : words) {
      w.append(" '").append(word.replace("'", "'\\''")).append('\'');
    }
    String program =
        "source '"
            + script
            + "'\n"
            + "COMP_WORDS=("
            + w
            + ")\n"
            + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
            + "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}\n"
            + "_complete_fabricscope-agent fabricscope-agent \"${COMP_WORDS[-1]}\""
            + " \"${COMP_WORDS[-2]}\" 2>/dev/null\n"
            + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Bash r = bash("bash", "--norc", "--noprofile", "-c", program);
    assertEquals(0, r.code(), r.out());
    return Arrays.stream(r.out().split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private record Bash(int code, String out) {}

  private Bash bash(String... cmd) throws Exception {
    Process p =
        new ProcessBuilder(cmd)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash timed out");
    return new Bash(p.exitValue(), out);
  }
}
