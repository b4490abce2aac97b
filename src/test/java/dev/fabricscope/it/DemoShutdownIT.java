package dev.fabricscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while the demo archives load (issue 9, finding 7): the packaged server, started on an
 * empty data dir with its own {@code java.io.tmpdir} (where the archive is copied out of the jar)
 * and {@code fabricscope.tmpdir} (where it is unpacked), is stopped as soon as the first archive's
 * folder appears, mid-extraction; it must exit promptly and leave both folders empty (but for
 * Quarkus's shared, empty {@code vertx-cache} folder).
 */
class DemoShutdownIT {

  @TempDir Path work;

  @RepeatedTest(3)
  void sigtermWhileDemoArchivesUnpackLeavesNoTemporaryFiles() throws Exception {
    Path javaTmp = Files.createDirectory(work.resolve("java-tmp"));
    Path unpackTmp = Files.createDirectory(work.resolve("unpack-tmp"));
    ServerProcess server =
        new ServerProcess(
            work.resolve("data"),
            List.of(
                "-Dfabricscope.demo.seed=true",
                "-Djava.io.tmpdir=" + javaTmp,
                "-Dfabricscope.tmpdir=" + unpackTmp));
    try (server) {
      server.launch();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (entries(unpackTmp).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "no archive was unpacked within 90 s");
        Thread.sleep(2);
      }
      assertTrue(server.terminate(Duration.ofSeconds(30)), "the server did not exit in 30 s");
    }
    String log = Files.readString(server.log());
    assertEquals(List.of(), entries(unpackTmp), "unpack folder after exit; log:\n" + log);
    // Quarkus keeps the shared, empty vertx-cache folder on purpose (other processes may use it);
    // the folder it made inside for this process must be gone.
    List<String> left = new ArrayList<>(entries(javaTmp));
    if (left.remove("vertx-cache")) {
      assertEquals(List.of(), entries(javaTmp.resolve("vertx-cache")), "vertx-cache after exit");
    }
    assertEquals(List.of(), left, "java.io.tmpdir after exit; log:\n" + log);
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
