package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review 17, M1 for real: a library planted in the working folder is loaded by bare name when
 * {@code LD_LIBRARY_PATH} has an empty entry, and {@link ProcessRunner#startOwn} keeps it from
 * loading even when started in that very folder. A C program stands in for the child JVM's {@code
 * dlopen("libnvidia-ml.so")}; skipped without a C compiler.
 */
class PlantedLibraryIT {

  @TempDir Path dir;

  @Test
  void aLibraryPlantedInTheWorkingFolderIsNotLoaded() throws Exception {
    Path cc = Path.of("/usr/bin/cc");
    assumeTrue(Files.isExecutable(cc), "no C compiler here");
    Path marker = dir.resolve("loaded");
    Files.writeString(
        dir.resolve("plant.c"),
        "#include <stdio.h>\n__attribute__((constructor)) static void planted(void) {"
            + " FILE *f = fopen(\""
            + marker
            + "\", \"w\"); if (f) fclose(f); }\n");
    Files.writeString(
        dir.resolve("loader.c"),
        "#include <dlfcn.h>\n#include <stdio.h>\nint main(void) {"
            + " void *h = dlopen(\"libfsplanted.so\", RTLD_NOW);"
            + " puts(h ? \"loaded\" : \"absent\"); return 0; }\n");
    compile(cc, "-shared", "-fPIC", "-o", "libfsplanted.so", "plant.c");
    compile(cc, "-o", "loader", "loader.c", "-ldl");
    Map<String, String> env = Map.of("LD_LIBRARY_PATH", ":/nonexistent/cuda/lib64", "PATH", "/bin");
    List<String> argv = List.of(dir.resolve("loader").toString());

    // the control: inherited as is, the empty entry finds the plant in the working folder
    ProcessBuilder plain = new ProcessBuilder(argv).directory(dir.toFile());
    plain.environment().clear();
    plain.environment().putAll(env);
    Process p = plain.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals("loaded", new String(p.getInputStream().readAllBytes()).trim());
    assertTrue(Files.exists(marker), "the control did not load the plant: the test proves nothing");
    Files.delete(marker);

    ProcessResult r =
        ProcessRunner.forOwnChildren(1 << 16, 500)
            .startOwn(argv, dir, env)
            .await(Cancellation.within(30));
    assertEquals("absent", r.stdout().trim(), r.stderr());
    assertFalse(Files.exists(marker), "the planted library ran");
  }

  private void compile(Path cc, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(cc.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
  }
}
