package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.agent.AgentProcess;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The set-up the driver-fault tests share ({@link DriverFaultIT}, {@link GpuCopyFaultIT}): the
 * rig's sysfs tree with a host name (so {@code run}'s job loop starts), an empty working folder
 * that must stay empty (no {@code hs_err_pid*.log}), and agents started from the shaded jar over
 * them with the vendor libraries' test doubles first on JNA's path; closing kills every agent and
 * what it left.
 */
final class RigAgents implements AutoCloseable {

  private final Path tmp;
  private final ArchiveExtractor.Unpacked tree;
  private final Path work;
  private final Path log;
  private final List<Process> agents = new ArrayList<>();

  private RigAgents(Path tmp, ArchiveExtractor.Unpacked tree) throws IOException {
    this.tmp = tmp;
    this.tree = tree;
    this.work = Files.createDirectories(tmp.resolve("work"));
    this.log = tmp.resolve("agent.log");
  }

  /** The {@code qemu-rig-iommu} tree unpacked under {@code tmp}, named {@code hostName}. */
  static RigAgents named(Path tmp, String hostName) throws IOException {
    ArchiveExtractor.Unpacked tree =
        ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-iommu.tar.gz"));
    Path hostname = tree.root().resolve("proc/sys/kernel/hostname");
    Files.createDirectories(hostname.getParent());
    Files.writeString(hostname, hostName + "\n");
    return new RigAgents(tmp, tree);
  }

  /** The tree's root, for {@code --fsroot}. */
  String fsroot() {
    return tree.root().toString();
  }

  /** A token file only its owner may read, as {@code run --token-file} requires. */
  String tokenFile(String token) throws IOException {
    Path f = Files.writeString(tmp.resolve("token"), token + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f.toString();
  }

  /**
   * The shaded jar ({@code fabricscope.agentJar}) with {@code args}, in the working folder, with
   * {@code env} added: stdout to {@link #out}, stderr to {@link #log}.
   */
  Process start(Map<String, String> env, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Djna.library.path=" + AgentProcess.TEST_NATIVE);
    cmd.add("-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jtmp")));
    cmd.add("-jar");
    cmd.add(
        Path.of(System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar"))
            .toAbsolutePath()
            .toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().putAll(env);
    Process p = pb.redirectOutput(out().toFile()).redirectError(log.toFile()).start();
    agents.add(p);
    return p;
  }

  /** Where the agents' standard output goes. */
  Path out() {
    return tmp.resolve("out");
  }

  /** The agents' standard error so far. */
  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  boolean logHas(String text) {
    try {
      return log().contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls {@code cond} until it holds, failing with the log after {@code seconds}. */
  void await(String what, BooleanSupplier cond, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "\n" + log());
      }
      Thread.sleep(20);
    }
  }

  /** Nothing was written to the agents' working folder (a crash report would be). */
  void assertNoFiles() throws IOException {
    try (Stream<Path> s = Files.list(work)) {
      assertEquals(List.of(), s.toList(), "written to the working folder");
    }
  }

  @Override
  public void close() {
    agents.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
    agents.forEach(Process::destroyForcibly);
    tree.close();
  }
}
