package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.cli.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOptionsTest {

  @TempDir Path tmp;

  @Test
  void serverMustBeAnHttpUrlWithAHost() {
    assertEquals("https", RunOptions.server("https://fs.example:8443/prefix").getScheme());
    for (String bad :
        new String[] {
          "fs.example",
          "ftp://fs.example",
          "http://",
          "http://a b",
          "http://h/?q=1",
          "http://[::1]:99999",
          "http://h:0",
          "https://h:65536/"
        }) {
      assertThrows(UsageException.class, () -> RunOptions.server(bad), bad);
    }
    // every port from 1 to 65535 is taken, none past it (fourteenth security review)
    for (int port = 1; port <= 70_000; port += 997) {
      String url = "http://fs.example:" + port;
      if (port <= 65535) {
        assertEquals(port, RunOptions.server(url).getPort(), url);
      } else {
        assertThrows(UsageException.class, () -> RunOptions.server(url), url);
      }
    }
    assertEquals(-1, RunOptions.server("http://fs.example/").getPort(), "no port: the scheme's");
  }

  /** {@code --peer-networks 10.1.0.0/16,2001:db8::/32}: each value a network, else exit 2. */
  @Test
  void peerNetworksAreCidrs() {
    RunOptions o = new RunOptions();
    assertEquals(List.of(), o.peerNetworks());
    o.peerNetworks = List.of("203.0.113.0/24", "2001:db8::/32");
    assertEquals("[203.0.113.0/24, 2001:db8:0:0:0:0:0:0/32]", o.peerNetworks().toString());
    o.peerNetworks = List.of("203.0.113.0/24", "8.8.8.8");
    UsageException e = assertThrows(UsageException.class, o::peerNetworks);
    assertTrue(e.getMessage().startsWith("--peer-networks '8.8.8.8': need ADDRESS/PREFIX"));
  }

  @Test
  void labelsAreKeyValuePairs() {
    assertEquals(
        Map.of("rack", "r12", "team", "ml=infra"),
        RunOptions.labels(List.of("rack=r12", "team=ml=infra")));
    assertThrows(UsageException.class, () -> RunOptions.labels(List.of("rack")));
    assertThrows(UsageException.class, () -> RunOptions.labels(List.of("=x")));
    assertThrows(UsageException.class, () -> RunOptions.labels(List.of("a=1", "a=2")));
  }

  @Test
  void tokenIsTrimmedAndWorldReadableFilesOnlyWarn() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    AgentLog log = new AgentLog(new PrintStream(buf, true, StandardCharsets.UTF_8));
    Path f = Files.writeString(tmp.resolve("token"), "  s3cret\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals("s3cret", RunOptions.readToken(f));
    RunOptions.warnIfWorldReadable(f, log);
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("readable by everyone"));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    buf.reset();
    RunOptions.warnIfWorldReadable(f, log);
    assertEquals("", buf.toString(StandardCharsets.UTF_8));
    Files.writeString(f, " \n");
    assertThrows(UsageException.class, () -> RunOptions.readToken(f));
    assertThrows(UsageException.class, () -> RunOptions.readToken(tmp.resolve("nope")));
  }
}
