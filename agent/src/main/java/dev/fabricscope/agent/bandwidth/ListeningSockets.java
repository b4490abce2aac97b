package dev.fabricscope.agent.bandwidth;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Tells when a listener (perftest or iperf3 server) is ready, without connecting to it: both accept
 * exactly one connection ({@code iperf3 -1}, perftest's single out-of-band exchange), so a connect
 * probe would use up the test. Instead the socket tables {@code /proc/net/tcp} and {@code tcp6} are
 * read for a socket in state LISTEN ({@code 0A}) on the port whose inode is one of the process's
 * open files ({@code /proc/PID/fd}): another program on the same port does not count. Also picks
 * free ports.
 */
final class ListeningSockets {

  private static final String LISTEN = "0A";

  private static final List<String> TABLES = List.of("net/tcp", "net/tcp6");

  private final Path proc;

  /** Reads the socket tables under {@code proc} ({@code /proc} on a live host). */
  ListeningSockets(Path proc) {
    this.proc = proc;
  }

  /** Whether /proc's socket tables can be read here at all. */
  boolean available() {
    return Files.isReadable(proc.resolve("net/tcp"));
  }

  /**
   * Whether the process (or a descendant) has a socket listening on {@code port}. Called every few
   * milliseconds while a listener starts, so the cheap answers come first: each socket table costs
   * the kernel about 0.8 ms to print here, so {@code tcp6} is read only when {@code tcp} has no
   * listener on the port, and the process's own descriptors are looked at before its descendants (a
   * scan of every process on the host).
   */
  boolean listening(ProcessHandle process, int port) {
    for (String table : TABLES) {
      Set<String> inodes = listeningInodes(table, port);
      if (inodes.isEmpty()) {
        continue;
      }
      if (ownsSocket(process.pid(), inodes)) {
        return true;
      }
      for (ProcessHandle h : process.descendants().toList()) {
        if (ownsSocket(h.pid(), inodes)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Inodes of LISTEN sockets on the port, from {@code /proc/net/tcp} and {@code tcp6}. */
  Set<String> listeningInodes(int port) {
    Set<String> out = new HashSet<>();
    for (String table : TABLES) {
      out.addAll(listeningInodes(table, port));
    }
    return out;
  }

  /** Inodes of LISTEN sockets on the port in one table; none when it cannot be read. */
  private Set<String> listeningInodes(String table, int port) {
    List<String> lines;
    try {
      lines = Files.readAllLines(proc.resolve(table));
    } catch (IOException e) {
      return Set.of(); // no IPv6 on this host, or no /proc: the other table may still answer
    }
    Set<String> out = new HashSet<>();
    String hexPort = String.format(":%04X", port);
    // "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout
    // inode"
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals(LISTEN)) {
        out.add(f[9]);
      }
    }
    return out;
  }

  private boolean ownsSocket(long pid, Set<String> inodes) {
    Path fds = proc.resolve(Long.toString(pid)).resolve("fd");
    try (Stream<Path> s = Files.list(fds)) {
      return s.anyMatch(
          fd -> {
            try {
              String target = Files.readSymbolicLink(fd).toString();
              return target.startsWith("socket:[")
                  && inodes.contains(target.substring(8, target.length() - 1));
            } catch (IOException e) {
              return false; // the fd closed while listing
            }
          });
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Runs the readiness check once on a socket of this process listening on loopback (opened for it,
   * never accepted on, closed at once): the socket tables, the process's descendants and its file
   * descriptors are read as for a helper's listener. For a helper's {@code rehearse}.
   */
  void rehearse() {
    if (!available()) {
      return;
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listening(ProcessHandle.current(), s.getLocalPort());
    } catch (IOException e) {
      // no loopback socket here: the first test reads the tables cold
    }
  }

  /**
   * A TCP port free on that address now (the kernel's pick). Another program may take it before the
   * helper binds it; the helper then fails to start listening, which {@code listen} reports.
   */
  static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }
}
