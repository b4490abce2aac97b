package dev.fabricscope.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build's name changes with any byte of its classes and with nothing else (not the time a jar was
 * packed, not files that are no classes of the project).
 */
class PlannerBuildTest {

  @TempDir Path tmp;

  static final Map<String, byte[]> CLASSES =
      Map.of(
          "dev/fabricscope/plan/HostOffer.class", new byte[] {(byte) 0xca, (byte) 0xfe, 1, 2},
          "dev/fabricscope/planner/Planner.class", new byte[] {(byte) 0xca, (byte) 0xfe, 3, 4});

  Path directory(String name, Map<String, byte[]> files) throws IOException {
    Path root = tmp.resolve(name);
    for (var e : files.entrySet()) {
      Path f = root.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.write(f, e.getValue());
    }
    return root;
  }

  Path jar(String name, Map<String, byte[]> files, long time) throws IOException {
    Path jar = tmp.resolve(name + ".jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out)) {
      for (var e : files.entrySet()) {
        ZipEntry z = new ZipEntry(e.getKey());
        z.setLastModifiedTime(FileTime.fromMillis(time));
        j.putNextEntry(z);
        j.write(e.getValue());
        j.closeEntry();
      }
    }
    return jar;
  }

  static Map<String, byte[]> with(String path, byte[] bytes) {
    var m = new java.util.HashMap<>(CLASSES);
    m.put(path, bytes);
    return m;
  }

  @Test
  void aClassDirectorysNameFollowsItsClasses() throws IOException {
    String a = PlannerBuild.ofDirectory(directory("a", CLASSES));
    assertEquals(64, a.length());
    assertEquals(a, PlannerBuild.ofDirectory(directory("b", CLASSES)));
    assertEquals(
        a,
        PlannerBuild.ofDirectory(directory("c", with("dev/fabricscope/web/page.js", new byte[9]))));
    byte[] changed = {(byte) 0xca, (byte) 0xfe, 3, 5};
    assertNotEquals(
        a,
        PlannerBuild.ofDirectory(
            directory("d", with("dev/fabricscope/planner/Planner.class", changed))));
  }

  @Test
  void aJarsNameFollowsItsClassesNotWhenItWasPacked() throws IOException {
    String a = PlannerBuild.ofJar(jar("a", CLASSES, 1_000_000_000_000L));
    assertEquals(a, PlannerBuild.ofJar(jar("b", CLASSES, 1_700_000_000_000L)));
    byte[] changed = {(byte) 0xca, (byte) 0xfe, 3, 5};
    assertNotEquals(
        a,
        PlannerBuild.ofJar(
            jar("c", with("dev/fabricscope/planner/Planner.class", changed), 1_000_000_000_000L)));
  }

  @Test
  void thisBuildHasOneNameNotOnePerCall() {
    // a name it could not read its classes for is random per call
    String name = PlannerBuild.name();
    assertTrue(name.matches("[0-9a-f]{64}"), name);
    assertEquals(name, PlannerBuild.name());
  }
}
