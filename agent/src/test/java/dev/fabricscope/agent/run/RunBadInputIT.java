package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} refuses bad options before it collects or connects: the shaded jar as a process, one
 * line on stderr naming the problem, exit 2 ({@link RunAgentIT} runs it end to end).
 */
class RunBadInputIT {

  @TempDir Path tmp;
  private ArchiveExtractor.Unpacked tree;
  private Path spool;
  private Path tokenFile;
  private Path javaTmp;

  @BeforeEach
  void setUp() throws Exception {
    tree = ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-iommu.tar.gz"));
    spool = tmp.resolve("spool");
    javaTmp = Files.createDirectories(tmp.resolve("jtmp"));
    tokenFile = Files.writeString(tmp.resolve("token"), "tok-bad-input\n");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void tearDown() {
    tree.close();
  }

  @Test
  void badInputIsOneLineAndExitTwo() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty"), " \n");
    // fourteenth security review: a token a header cannot carry, never quoted in the message
    Path cr = Files.writeString(tmp.resolve("cr"), "SECRET\rdef\n");
    String fs = tree.root().toString();
    String url = "http://127.0.0.1:9";
    String tok = tokenFile.toString();
    String sp = spool.toString();
    String[][] cases = {
      {"run needs --server", "--token-file", tok},
      {"need http(s)", "--server", "ftp://x", "--token-file", tok},
      {"cannot read", "--server", url, "--token-file", tmp.resolve("nope").toString()},
      {"empty", "--server", url, "--token-file", empty.toString()},
      {"not a bearer token", "--server", url, "--token-file", cr.toString()},
      {"not a regular file", "--server", url, "--token-file", "/dev/zero"},
      {"bad duration", "--server", url, "--token-file", tok, "--interval", "5"},
      {"more than zero", "--server", url, "--token-file", tok, "--heartbeat", "0s"},
      {"--label", "--server", url, "--token-file", tok, "--label", "novalue"},
      {"positive number", "--server", url, "--token-file", tok, "--spool-max-files", "0"},
      {"no such file", "--server", url, "--token-file", tok, "--fsroot", tmp + "/nope"},
      {"not a sysfs tree", "--server", url, "--token-file", tok, "--fsroot", tmp.toString()},
      {"unknown option", "--server", url, "--token-file", tok, "--spool", sp, "--frob"},
    };
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("run"));
      args.addAll(List.of(c).subList(1, c.length));
      if (!args.contains("--fsroot")) {
        args.addAll(List.of("--fsroot", fs));
      }
      Path err = tmp.resolve("bad-" + System.nanoTime());
      Process p = AgentProcesses.start(javaTmp, args, err);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), args.toString());
      String e = Files.readString(err).strip();
      assertEquals(2, p.exitValue(), args + ": " + e);
      assertFalse(e.contains("\n"), "one line: " + e);
      assertTrue(e.contains(c[0]), args + ": " + e);
      assertFalse(e.contains("SECRET"), "the token is never quoted: " + e);
    }
  }
}
