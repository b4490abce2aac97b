package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness without a connect probe: a socket table line as the rig's guest printed it while {@code
 * ib_write_bw} waited ({@code bandwidth/perftest/write-gbits.cmd.txt}), and this host's own {@code
 * /proc} with a socket this JVM listens on.
 */
class ListeningSocketsTest {

  private static final String HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
  // from write-gbits.cmd.txt: perftest's server on 0.0.0.0:18601 (0x48A9), state 0A, inode 15964
  private static final String RIG_LINE =
      "   0: 00000000:48A9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 15964 1 000000004c705632 100 0 0 10 0\n";

  @Test
  void listenLineOfTheRigsPerftestServer(@TempDir Path proc) throws Exception {
    Files.createDirectories(proc.resolve("net"));
    Files.writeString(proc.resolve("net/tcp"), HEADER + RIG_LINE);
    ListeningSockets s = new ListeningSockets(proc);
    assertTrue(s.available());
    assertEquals(Set.of("15964"), s.listeningInodes(18601));
    assertEquals(Set.of(), s.listeningInodes(18602));
    // the socket counts only when it is one of the process's open files
    ProcessHandle me = ProcessHandle.current();
    assertFalse(s.listening(me, 18601));
    Path fd = Files.createDirectories(proc.resolve(me.pid() + "/fd"));
    Files.createSymbolicLink(fd.resolve("7"), Path.of("socket:[15965]"));
    assertFalse(s.listening(me, 18601), "another socket's inode");
    Files.createSymbolicLink(fd.resolve("8"), Path.of("socket:[15964]"));
    assertTrue(s.listening(me, 18601));
  }

  @Test
  void aSocketInTcp6OrHeldByAChildCounts(@TempDir Path proc) throws Exception {
    Files.createDirectories(proc.resolve("net"));
    Files.writeString(proc.resolve("net/tcp"), HEADER);
    // the same line in the IPv6 table: [::]:18601 as perftest binds it on a dual-stack host
    Files.writeString(
        proc.resolve("net/tcp6"),
        HEADER
            + RIG_LINE.replace(
                "00000000:48A9 00000000:0000",
                "00000000000000000000000000000000:48A9 00000000000000000000000000000000:0000"));
    ListeningSockets s = new ListeningSockets(proc);
    assertEquals(Set.of("15964"), s.listeningInodes(18601));
    ProcessHandle me = ProcessHandle.current();
    Process child = new ProcessBuilder("sleep", "30").start();
    try {
      assertFalse(s.listening(me, 18601), "nobody holds it yet");
      // a wrapper's child (a shell's program) holds the socket: it is still this listener's
      Path fd = Files.createDirectories(proc.resolve(child.pid() + "/fd"));
      Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[15964]"));
      assertTrue(s.listening(me, 18601));
    } finally {
      child.destroyForcibly().waitFor();
    }
  }

  @Test
  void thisHostsOwnProc() throws Exception {
    ListeningSockets s = new ListeningSockets(Path.of("/proc"));
    int port;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = server.getLocalPort();
      assertTrue(s.listening(ProcessHandle.current(), port));
    }
    assertFalse(s.listening(ProcessHandle.current(), port));
  }

  @Test
  void withoutProcNothingIsSeen(@TempDir Path empty) {
    ListeningSockets s = new ListeningSockets(empty);
    assertFalse(s.available());
    assertTrue(s.listeningInodes(5201).isEmpty());
  }
}
