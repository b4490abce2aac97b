package dev.fabricscope.agent.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The agent as the integration tests start it: the shaded jar in a JVM of its own. */
final class AgentProcesses {

  private AgentProcesses() {}

  /**
   * The shaded jar ({@code fabricscope.agentJar}, set by the agent's pom) as a process, unpacking
   * under {@code javaTmp}, stdout discarded, stderr to {@code err}.
   */
  static Process start(Path javaTmp, List<String> args, Path err) throws IOException {
    String jar = System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dfabricscope.tmpdir=" + javaTmp);
    cmd.add("-jar");
    cmd.add(jar);
    cmd.addAll(args);
    return new ProcessBuilder(cmd)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(err.toFile())
        .start();
  }
}
