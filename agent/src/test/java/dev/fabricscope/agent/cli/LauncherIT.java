package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
  private static final Path INSPECT_ARCHIVE =
      JAR.resolveSibling(JAR.getFileName().toString().replace(".jar", "-inspect.jsa"));
  private static final Path INSPECT_JSON_ARCHIVE =
      JAR.resolveSibling(JAR.getFileName().toString().replace(".jar", "-inspect-json.jsa"));
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

  /**
   * -Xshare:on makes a JVM that cannot map the archive fail instead of falling back. Every archive
   * holds picocli: the build compiles it for Java 17, since CDS leaves out its jar's Java 5 class
   * files. They are static archives: the JDK's classes and ours in one file, none on top of
   * another.
   */
  @Test
  void theArchivesMapAndHoldTheAgentsClasses() throws Exception {
    for (Path archive : List.of(ARCHIVE, INSPECT_ARCHIVE, INSPECT_JSON_ARCHIVE)) {
      Assumptions.assumeTrue(
          Files.isRegularFile(archive), "the build made no archive (it warned): " + archive);
      Launched r =
          launch(
              List.of(
                  java(),
                  "-Xshare:on",
                  "-XX:SharedArchiveFile=" + archive,
                  "-Xlog:class+load=info",
                  "-jar",
                  JAR.toString(),
                  "topo",
                  "--input",
                  Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml").toString()),
              Map.of());
      assertEquals(0, r.code(), r.out());
      for (String cls :
          List.of(
              "dev.fabricscope.agent.Main",
              "picocli.CommandLine",
              "dev.fabricscope.agent.cli.TopoCommand",
              "dev.fabricscope.importer.HwlocXmlImporter",
              "dev.fabricscope.report.ReportWriter",
              "dev.fabricscope.p2p.P2pAnalyzer")) {
        assertTrue(
            r.out().contains(cls + " source: shared objects file\n"), cls + " from " + archive);
      }
    }
  }

  /** topo, explain, plan, help and the version get the smaller archive; the other commands not. */
  @Test
  void theLauncherPicksTheArchiveByCommand() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(INSPECT_ARCHIVE), "no archive: " + INSPECT_ARCHIVE);
    Map<String, String> env =
        Map.of(
            "FABRICSCOPE_AGENT_JAR", JAR.toAbsolutePath().toString(),
            "JAVA", java(),
            "JAVA_OPTS", "-Xlog:cds=info:stdout");
    for (List<String> args :
        List.of(
            List.of("--version"),
            List.of("topo", "--help"),
            List.of("explain", "--help"),
            List.of("plan", "--help"),
            List.of("help"))) {
      Launched r = launch(cat(LAUNCHER.toString(), args), env);
      assertEquals(0, r.code(), r.out());
      assertEquals(INSPECT_ARCHIVE.getFileName().toString(), appArchive(r.out()), args + r.out());
    }
    for (List<String> args : List.of(List.of("collect", "--help"), List.of("run", "--help"))) {
      Launched r = launch(cat(LAUNCHER.toString(), args), env);
      assertEquals(0, r.code(), r.out());
      assertEquals(ARCHIVE.getFileName().toString(), appArchive(r.out()), args + r.out());
    }
    // JSON output takes data binding, in the larger archive
    String xml = Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml").toString();
    for (List<String> args :
        List.of(
            List.of("topo", "--format", "json", "--input", xml),
            List.of("topo", "--format=json", "--input", xml))) {
      Launched r = launch(cat(LAUNCHER.toString(), args), env);
      assertEquals(0, r.code(), r.out());
      assertEquals(INSPECT_JSON_ARCHIVE.getFileName().toString(), appArchive(r.out()), args + "");
    }
  }

  /**
   * Short commands get transparent huge pages for their heap where the kernel offers them (fewer
   * page faults at start); the service never does.
   */
  @Test
  void theLauncherAsksForHugePagesForShortCommandsOnly() throws Exception {
    Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    String mode = Files.isReadable(thp) ? Files.readString(thp) : "";
    boolean offered = mode.contains("[always]") || mode.contains("[madvise]");
    Map<String, String> env =
        Map.of(
            "FABRICSCOPE_AGENT_JAR", JAR.toAbsolutePath().toString(),
            "JAVA", java(),
            "JAVA_OPTS", "-XX:+PrintFlagsFinal");
    for (List<String> args : List.of(List.of("--version"), List.of("topo", "--help"))) {
      Launched r = launch(cat(LAUNCHER.toString(), args), env);
      assertEquals(0, r.code(), r.out());
      assertEquals(offered, hugePages(r.out()), args + " with THP " + mode);
    }
    for (List<String> args : List.of(List.of("run", "--help"), List.of("bandwidth", "--help"))) {
      Launched r = launch(cat(LAUNCHER.toString(), args), env);
      assertEquals(0, r.code(), r.out());
      assertEquals(false, hugePages(r.out()), args.toString());
    }
  }

  /**
   * The short commands keep reflection on the JDK's native accessors (no class generated per
   * accessor); the service and the timed tests keep the JDK's default.
   */
  @Test
  void theLauncherKeepsReflectionNativeForShortCommandsOnly() throws Exception {
    Map<String, String> env =
        Map.of(
            "FABRICSCOPE_AGENT_JAR", JAR.toAbsolutePath().toString(),
            "JAVA", java(),
            "JAVA_OPTS", "-XshowSettings:properties");
    String setting = "sun.reflect.inflationThreshold = 2147483647";
    for (List<String> args : List.of(List.of("--version"), List.of("topo", "--help"))) {
      Launched r = launch(cat(LAUNCHER.toString(), args), env);
      assertEquals(0, r.code(), r.out());
      assertTrue(r.out().contains(setting), args + ": " + r.out());
    }
    for (List<String> args : List.of(List.of("run", "--help"), List.of("bandwidth", "--help"))) {
      Launched r = launch(cat(LAUNCHER.toString(), args), env);
      assertEquals(0, r.code(), r.out());
      assertFalse(r.out().contains("sun.reflect.inflationThreshold"), args.toString());
    }
  }

  private static boolean hugePages(String flags) {
    for (String line : flags.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[1].equals("UseTransparentHugePages")) {
        return f[3].equals("true");
      }
    }
    throw new AssertionError("no UseTransparentHugePages in the flags printed");
  }

  private static List<String> cat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }

  /** The file name of the last archive the JVM opened (the JDK's own comes first). */
  private static String appArchive(String log) {
    String last = null;
    for (String line : log.split("\n")) {
      int at = line.indexOf("Opened archive ");
      if (at >= 0) {
        String path = line.substring(at + "Opened archive ".length()).strip();
        last =
            Path.of(path.endsWith(".") ? path.substring(0, path.length() - 1) : path)
                .getFileName()
                .toString();
      }
    }
    return last;
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
        r.out().contains("dev.fabricscope.agent.Main source: shared objects file\n"), r.out());
    assertTrue(r.out().contains("fabricscope-agent " + System.getProperty("fabricscope.version")));
  }

  /**
   * The documented install step: the archives made for the jar at its new path, which the launcher
   * there then maps (an archive checks the jar's path); bad usage is exit 2.
   */
  @Test
  void archivesAreMadeForAJarInstalledElsewhere() throws Exception {
    Path archives = Path.of("bin/fabricscope-agent-archives").toAbsolutePath();
    Path lib = Files.createDirectories(tmp.resolve("opt/lib"));
    Path jar = Files.copy(JAR, lib.resolve("fabricscope-agent.jar"));
    Map<String, String> env = Map.of("JAVA", java());
    assertEquals(2, launch(List.of(archives.toString()), env).code());
    Launched made =
        launch(
            List.of(
                archives.toString(),
                jar.toString(),
                Path.of("../src/main/resources/demo").toString()),
            env);
    assertEquals(0, made.code(), made.out());
    for (String name : List.of(".jsa", "-inspect.jsa", "-inspect-json.jsa")) {
      assertTrue(Files.isRegularFile(lib.resolve("fabricscope-agent" + name)), name + made.out());
    }
    Launched r =
        launch(
            List.of(LAUNCHER.toString(), "--version"),
            Map.of(
                "FABRICSCOPE_AGENT_JAR", jar.toString(),
                "JAVA", java(),
                "JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:stdout"));
    assertEquals(0, r.code(), r.out());
    assertTrue(
        r.out().contains("dev.fabricscope.agent.Main source: shared objects file\n"), r.out());
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
