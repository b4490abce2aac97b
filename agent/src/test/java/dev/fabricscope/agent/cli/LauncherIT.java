package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as shipped: picocli inside, the version in its manifest, and the class-data
 * archive the build made beside it, used by {@code agent/bin/fabricscope-agent}.
 */
class LauncherIT extends CliRunner {

  private static final Path JAR =
      Path.of(System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar"));
  private static final Path ARCHIVE =
      JAR.resolveSibling(JAR.getFileName().toString().replace(".jar", ".jsa"));
  private static final Path LAUNCHER = Path.of("bin/fabricscope-agent").toAbsolutePath();

  @Test
  void theJarCarriesPicocliAndItsVersion() throws Exception {
    try (JarFile j = new JarFile(JAR.toFile())) {
      assertTrue(j.getEntry("picocli/CommandLine.class") != null, "picocli shaded in");
      assertTrue(j.getEntry("picocli/AutoComplete.class") != null, "completion shaded in");
      String v = j.getManifest().getMainAttributes().getValue("Implementation-Version");
      Result r = agent("--version");
      assertEquals(0, r.code(), r.err());
      assertEquals("fabricscope-agent " + v, r.out().strip());
    }
    Result help = agent("topo", "--help");
    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().startsWith("P2P verdicts"), help.out());
  }

  /** -Xshare:on makes a JVM that cannot map the archive fail instead of falling back. */
  @Test
  void theArchiveMapsAndHoldsTheAgentsClasses() throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(ARCHIVE), "the build made no archive (it warned): " + ARCHIVE);
    Launched r =
        launch(
            List.of(
                java(),
                "-Xshare:on",
                "-XX:SharedArchiveFile=" + ARCHIVE,
                "-Xlog:class+load=info",
                "-jar",
                JAR.toString(),
                "topo",
                "--input",
                Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml").toString()),
            Map.of());
    assertEquals(0, r.code(), r.out());
    // picocli is not among them: its class files are Java 5 (version 49), which CDS does not
    // archive ("Pre JDK 6 class not supported by CDS"); docs/benchmarks.md has what that costs
    for (String cls :
        List.of(
            "dev.fabricscope.agent.Main",
            "dev.fabricscope.agent.cli.TopoCommand",
            "dev.fabricscope.importer.HwlocXmlImporter",
            "dev.fabricscope.p2p.P2pAnalyzer")) {
      assertTrue(
          r.out().contains(cls + " source: shared objects file (top)"), cls + " from the archive");
    }
  }

  @Test
  void theLauncherStartsTheJarWithTheArchive() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(ARCHIVE), "no archive: " + ARCHIVE);
    Launched r =
        launch(
            List.of(LAUNCHER.toString(), "--version"),
            Map.of(
                "FABRICSCOPE_AGENT_JAR", JAR.toAbsolutePath().toString(),
                "JAVA", java(),
                "JAVA_OPTS", "-Xlog:class+load=info:stdout"));
    assertEquals(0, r.code(), r.out());
    assertTrue(
        r.out().contains("dev.fabricscope.agent.Main source: shared objects file (top)"), r.out());
    assertTrue(r.out().contains("fabricscope-agent " + System.getProperty("fabricscope.version")));
  }

  /** Exit codes pass through the script unchanged; a missing jar is one line and exit 1. */
  @Test
  void theLauncherKeepsExitCodes() throws Exception {
    Map<String, String> env =
        Map.of("FABRICSCOPE_AGENT_JAR", JAR.toAbsolutePath().toString(), "JAVA", java());
    assertEquals(2, launch(List.of(LAUNCHER.toString(), "frob"), env).code());
    assertEquals(0, launch(List.of(LAUNCHER.toString(), "help"), env).code());
    Launched missing =
        launch(
            List.of(LAUNCHER.toString(), "--version"),
            Map.of("FABRICSCOPE_AGENT_JAR", tmp.resolve("nope.jar").toString()));
    assertEquals(1, missing.code());
    assertTrue(missing.out().strip().startsWith("fabricscope-agent: "), missing.out());
  }

  private record Launched(int code, String out) {}

  private Launched launch(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
    return new Launched(p.exitValue(), out);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
