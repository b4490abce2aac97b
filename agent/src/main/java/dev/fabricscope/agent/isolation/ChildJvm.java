package dev.fabricscope.agent.isolation;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line of a child JVM that runs one of this agent's own entry points ({@link
 * IsolatedMain}). Why a JVM of its own: NVML and the CUDA driver are native code that can hang (a
 * GPU fallen off the bus) or crash (SIGSEGV) the process that calls them, and that process must not
 * be the agent's service. The child is the same program: the java binary this JVM runs from, the
 * same class path (made absolute, since the child works in {@code /}, {@link #workDir}), the same
 * JNA library path and temporary folder, so the libraries found are the ones the agent would find
 * (the test doubles too). It is kept light (class-data archive when beside the jar, C1 only, a
 * small serial heap) and writes nothing where it runs: no fatal error file, no core dump, VM output
 * on stderr only, so stdout holds nothing but the answer.
 */
public final class ChildJvm {

  /** The JVM flags of every child, before its system properties. */
  static final List<String> FLAGS =
      List.of(
          "-Xshare:auto",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xms8m",
          "-Xmx96m",
          "-XX:-UsePerfData",
          "-XX:-CreateCoredumpOnCrash",
          "-XX:ErrorFile=/dev/null",
          "-XX:+DisplayVMOutputToStderr",
          "-Xlog:disable",
          "-Xlog:all=warning,cds*=off:stderr");

  private ChildJvm() {}

  /**
   * The argument vector of a child running {@code entry} of {@link IsolatedMain}, this JVM named
   * first as the parent it watches.
   */
  public static List<String> argv(String entry) {
    return argv(
        javaBinary(), System.getProperty("java.class.path", ""), System.getProperties(), entry);
  }

  /**
   * The argument vector from explicit parts (tests).
   *
   * @param properties this JVM's system properties: the JNA ones and the temporary folder carry
   */
  static List<String> argv(
      String java, String classPath, Map<Object, Object> properties, String entry) {
    List<String> a = new ArrayList<>();
    a.add(java);
    a.addAll(FLAGS);
    archive(classPath).ifPresent(jsa -> a.add("-XX:SharedArchiveFile=" + jsa));
    properties.forEach(
        (k, v) -> {
          String key = String.valueOf(k);
          if (key.startsWith("jna.") || key.equals("java.io.tmpdir")) {
            a.add("-D" + key + "=" + (key.endsWith(".path") ? absolute(String.valueOf(v)) : v));
          }
        });
    a.add("-cp");
    a.add(absolute(classPath));
    a.add(IsolatedMain.class.getName());
    a.add(ParentWatch.identity());
    a.add(entry);
    return a;
  }

  /**
   * The folder a child runs in: {@code /}, which only root can write. Not {@code java.io.tmpdir}
   * (usually {@code /tmp}, writable by everyone): the dynamic loader may search the working folder
   * (an empty {@code LD_LIBRARY_PATH} entry), so a {@code libnvidia-ml.so} planted there would run
   * as root (review 17, M1; the environment is cleaned too, {@code ProcessRunner.startOwn}). The
   * child writes nothing where it runs (see the class comment), and {@code /} is where a service
   * agent runs anyway.
   */
  public static Path workDir() {
    return Path.of("/");
  }

  /**
   * What of a child's argument vector is no longer on disk: the java binary, or a class path entry
   * (a package upgrade removed the JDK this agent runs from, or replaced its jar). Said in the
   * diagnostic, with the cure, instead of a bare start failure or "could not find or load main
   * class" (review 17, L4).
   *
   * @return the missing parts in words, or empty
   */
  public static Optional<String> gone(List<String> argv) {
    List<String> missing = new ArrayList<>();
    if (!argv.isEmpty() && !Files.isExecutable(Path.of(argv.get(0)))) {
      missing.add("the java binary " + argv.get(0));
    }
    int cp = argv.indexOf("-cp");
    if (cp >= 0 && cp + 1 < argv.size()) {
      for (String entry : argv.get(cp + 1).split(File.pathSeparator, -1)) {
        if (!entry.isEmpty() && !Files.exists(Path.of(entry))) {
          missing.add("the class path entry " + entry);
        }
      }
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        String.join(", ", missing)
            + " no longer exist"
            + (missing.size() == 1 ? "s" : "")
            + " (removed or replaced by a package upgrade?): restart the agent");
  }

  /** The java this JVM was started as; {@code java.home}'s when the OS does not say. */
  static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The agent's class-data archive beside a jar class path ({@code fabricscope-agent.jsa}). */
  static Optional<String> archive(String classPath) {
    if (!classPath.endsWith(".jar") || classPath.contains(File.pathSeparator)) {
      return Optional.empty();
    }
    Path jsa = Path.of(classPath.substring(0, classPath.length() - 4) + ".jsa").toAbsolutePath();
    return Files.isReadable(jsa) ? Optional.of(jsa.toString()) : Optional.empty();
  }

  /** Each entry of a path list made absolute against this JVM's working folder. */
  static String absolute(String paths) {
    List<String> out = new ArrayList<>();
    for (String p : paths.split(File.pathSeparator, -1)) {
      out.add(p.isEmpty() ? p : Path.of(p).toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, out);
  }
}
