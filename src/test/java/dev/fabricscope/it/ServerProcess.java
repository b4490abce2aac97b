package dev.fabricscope.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The packaged server ({@code target/quarkus-app/quarkus-run.jar}) run as a process. */
public final class ServerProcess implements AutoCloseable {

  public static final String ADMIN = "it-admin-secret";

  private final Path dataDir;
  private final int port;
  private final List<String> extra;
  private Process process;

  public ServerProcess(Path dataDir, List<String> extraSystemProperties) throws IOException {
    this.dataDir = dataDir;
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
    this.extra = extraSystemProperties;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Starts the server and waits until it is ready (at most 90 s). */
  public ServerProcess start() throws Exception {
    launch();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(process.isAlive(), "server exited: see " + dataDir + ".log");
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("server not ready within 90 s");
  }

  /** Starts the server process without waiting for anything. */
  public ServerProcess launch() throws IOException {
    String runner =
        System.getProperty("fabricscope.runnerJar", "target/quarkus-app/quarkus-run.jar");
    assertTrue(Path.of(runner).toFile().exists(), runner + " missing: run mvn package first");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-Dquarkus.http.port=" + port);
    cmd.add("-Dquarkus.http.host=127.0.0.1");
    cmd.add("-Dfabricscope.data-dir=" + dataDir);
    cmd.add("-Dfabricscope.admin-token=" + ADMIN);
    cmd.add("-Dfabricscope.demo.seed=false");
    cmd.addAll(extra);
    cmd.add("-jar");
    cmd.add(runner);
    process =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log().toFile()).start();
    return this;
  }

  /** SIGTERM, then waits up to {@code max} for the process to end; returns whether it ended. */
  public boolean terminate(Duration max) throws InterruptedException {
    process.destroy();
    return process.waitFor(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The file the server's stdout and stderr go to. */
  public Path log() {
    return dataDir.resolveSibling(dataDir.getFileName() + ".log");
  }

  /** Waits up to {@code max} for the process to exit by itself; its exit code, or -1. */
  public int exitCode(Duration max) throws InterruptedException {
    return process.waitFor(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        ? process.exitValue()
        : -1;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      process.waitFor();
    }
  }
}
