package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Non-ASCII interface names in a JVM without a UTF-8 locale (fourteenth security review, finding
 * 3): the shaded jar in a child JVM whose environment is cleared ({@code LANG}/{@code LC_ALL}
 * unset, the JVM's file name encoding ASCII). Discovery skips such a name with a diagnostic and
 * exits 0; an archive holding one is refused in one line naming the cure; with {@code
 * LC_ALL=C.UTF-8}, which the launcher sets, the names are read.
 */
class NonAsciiNamesIT {

  private static final String JAR =
      Path.of(System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar"))
          .toAbsolutePath()
          .toString();
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final String SKIPPED = "cannot use as a file name";

  @TempDir Path tmp;
  private ArchiveExtractor.Unpacked tree;
  private Path net;

  private record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    tree = ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-iommu.tar.gz"));
    net = tree.root().resolve("sys/class/net");
  }

  @AfterEach
  void tearDown() {
    tree.close();
  }

  /** Makes interface folders from names given as printf escapes (bytes of any encoding). */
  private void interfaces(List<String> escaped) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("sh", "-c"));
    cmd.add(
        "d=$1; shift; for n; do f=\"$d/$(printf \"$n\")\"; mkdir \"$f\" && echo 1000 >\"$f/speed\"; done");
    cmd.add("sh");
    cmd.add(net.toString());
    cmd.addAll(escaped);
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    assertEquals(0, p.waitFor(), "mkdir");
  }

  /** The agent with nothing in its environment but {@code env}. */
  private Result agent(Map<String, String> env, List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().putAll(env);
    Path out = tmp.resolve("out-" + System.nanoTime());
    Path err = tmp.resolve("err-" + System.nanoTime());
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "agent timed out: " + command);
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private Result collect(Map<String, String> env, String fsroot) throws Exception {
    return agent(
        env, List.of(JAVA, "-Djava.io.tmpdir=" + tmp, "-jar", JAR, "collect", "--fsroot", fsroot));
  }

  private Path archive() throws Exception {
    Path a = tmp.resolve("gathered.tar.gz");
    Process p =
        new ProcessBuilder("tar", "-czf", a.toString(), "-C", tree.root().toString(), ".")
            .inheritIO()
            .start();
    assertEquals(0, p.waitFor(), "tar");
    return a;
  }

  @Test
  void withoutAUtf8LocaleTheNameIsSkippedWithADiagnostic() throws Exception {
    interfaces(List.of("wlan-\\303\\274"));
    Result r = collect(Map.of(), tree.root().toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertTrue(r.out().contains("/sys/class/net/wlan-"), r.out());
    assertTrue(r.out().contains(SKIPPED), r.out());
    assertTrue(r.out().contains("LC_ALL=C.UTF-8"), "names the cure: " + r.out());

    Result a = collect(Map.of(), archive().toString());
    assertEquals(2, a.code(), a.err());
    assertEquals(1, a.err().strip().lines().count(), "one line: " + a.err());
    assertTrue(a.err().contains("wlan-") && a.err().contains(SKIPPED), a.err());
  }

  @Test
  void withCUtf8OrThroughTheLauncherTheNameIsRead() throws Exception {
    interfaces(List.of("wlan-\\303\\274"));
    for (String fsroot : List.of(tree.root().toString(), archive().toString())) {
      Result r = collect(Map.of("LC_ALL", "C.UTF-8"), fsroot);
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("\"wlan-\u00fc\""), r.out());
      assertFalse(r.out().contains(SKIPPED), r.out());
    }
    Path launcher = Path.of("bin/fabricscope-agent").toAbsolutePath();
    Result l =
        agent(
            Map.of("JAVA", JAVA, "FABRICSCOPE_AGENT_JAR", JAR),
            List.of(launcher.toString(), "collect", "--fsroot", tree.root().toString()));
    assertEquals(0, l.code(), l.err());
    assertTrue(l.out().contains("\"wlan-\u00fc\""), "the launcher sets C.UTF-8: " + l.out());
  }

  /** Many generated names, valid UTF-8 or not: exit 0 either way, never an internal error. */
  @Test
  void generatedNamesNeverStopDiscovery() throws Exception {
    Random rnd = new Random(14_3);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      StringBuilder b = new StringBuilder("if" + i + "-");
      for (int j = 0; j < 1 + rnd.nextInt(4); j++) {
        b.append(String.format("\\%03o", 0x80 + rnd.nextInt(0x80)));
        if (rnd.nextBoolean()) {
          b.append((char) ('a' + rnd.nextInt(26)));
        }
      }
      names.add(b.toString());
    }
    interfaces(names);
    for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("LC_ALL", "C.UTF-8"))) {
      Result r = collect(env, tree.root().toString());
      assertEquals(0, r.code(), env + ": " + r.err());
      assertFalse(r.err().contains("Exception"), r.err());
      for (int i = 0; i < 40; i++) {
        assertTrue(
            r.out().contains("/sys/class/net/if" + i + "-") || r.out().contains("\"if" + i + "-"),
            env + ": if" + i);
      }
      if (env.isEmpty()) {
        assertTrue(r.out().contains(SKIPPED), r.out());
      }
    }
  }
}
