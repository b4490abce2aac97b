package dev.fabricscope.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server refuses inconsistent settings at start, naming each, and exits. */
class ConfigRefusedIT {

  @TempDir Path tmp;

  @Test
  void aWarnRatioAbovePassAndANegativePoolStopTheServerWithOneMessage() throws Exception {
    try (ServerProcess server =
        new ServerProcess(
            tmp.resolve("data"),
            List.of("-Dfabricscope.bandwidth.warn-ratio=0.95", "-Dfabricscope.db.pool-size=-1"))) {
      server.launch();
      int code = server.exitCode(Duration.ofSeconds(90));
      assertEquals(1, code, "exit code; log: " + server.log());
      String log = Files.readString(server.log());
      assertTrue(
          log.contains(
              "Invalid configuration (2 problems): fabricscope.db.pool-size = -1: must be at"
                  + " least 1; fabricscope.bandwidth.warn-ratio = 0.95: must not exceed"
                  + " bandwidth.pass-ratio (0.9)"),
          log);
      assertTrue(!Files.exists(tmp.resolve("data")), "refused before the database was opened");
    }
  }
}
