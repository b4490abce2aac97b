package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, acceptance 2: a TCP test between two agents of this tree in two network namespaces,
 * orchestrated by the server of this tree (in a third), through {@code
 * bench/netns/tcp-two-agents.sh}. The script needs root for the namespaces; elsewhere it answers 77
 * and the test is skipped with its reason.
 */
class TcpNetnsIT {

  @Test
  void aTcpTestBetweenTwoNamespacedAgentsIsStored() throws Exception {
    Path script = Path.of("../bench/netns/tcp-two-agents.sh").toAbsolutePath().normalize();
    Path evidence = Files.createDirectories(Path.of("target", "evidence")).resolve("tcp-netns.txt");
    Path out = Files.createTempFile("tcp-netns-", ".out");
    Path err = Files.createTempFile("tcp-netns-", ".err");
    try {
      Process p =
          new ProcessBuilder("bash", script.toString(), evidence.toAbsolutePath().toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the script did not end in 300 s");
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assumeTrue(p.exitValue() != 77, stderr.strip());
      assertEquals(0, p.exitValue(), stderr);
      List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
      JsonNode job = new ObjectMapper().readTree(lines.get(lines.size() - 1));
      assertEquals("tcp", job.get("kind").asText());
      assertEquals("fs-a", job.get("source").get("host").asText());
      assertEquals("fs-b", job.get("target").get("host").asText());
      assertTrue(job.get("measuredGBps").asDouble() > 0, job.toString());
      assertTrue(job.get("result").get("samples").size() >= 1, job.toString());
      assertTrue(job.get("result").get("helper").asText().contains("iperf3"), job.toString());
    } finally {
      // also when the script skips (exit 77) or an assertion fails
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
