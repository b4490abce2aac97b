package dev.fabricscope.agent.bandwidth;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The output pipes of a helper, and the processes still holding them after it ended. A child that
 * calls {@code setsid} leaves the helper's process group, so without a PID namespace nothing else
 * finds it; but it inherited the helper's standard output or error, and holding them it keeps one
 * of the agent's reader threads blocked for as long as it lives, and may write into what is read as
 * the helper's output (eighteenth security review, open point of its fix). Whoever holds the write
 * end of a helper's pipe got it from the helper: it is killed.
 */
final class PipeHolders {

  private static final Path PROC = Path.of("/proc");

  private PipeHolders() {}

  /**
   * The pipes on standard output and error of {@code process} ({@code pipe:[inode]}), read while it
   * is alive: read after its reap, the pid could be another process's. Empty when unreadable.
   */
  static Set<String> of(Process process) {
    Set<String> pipes = new HashSet<>();
    for (int fd = 1; fd <= 2; fd++) {
      try {
        String target =
            Files.readSymbolicLink(PROC.resolve(process.pid() + "/fd/" + fd)).toString();
        if (target.startsWith("pipe:[")) {
          pipes.add(target);
        }
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        // gone already, or no /proc: nothing to look for later
      }
    }
    // not yet reaped after the reads: the pid was still the helper's while they were made
    return process.isAlive() ? Set.copyOf(pipes) : Set.of();
  }

  /**
   * Sends SIGKILL to every process but this one that has one of {@code pipes} open; returns their
   * pids. Processes whose descriptors this user may not read are not looked at (they cannot have
   * inherited this user's helper's pipe without being this user's).
   */
  static List<Long> kill(Set<String> pipes) {
    List<Long> killed = new ArrayList<>();
    if (pipes.isEmpty()) {
      return killed;
    }
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path dir : all) {
        long pid = Long.parseLong(dir.getFileName().toString());
        if (pid != self && holds(dir, pipes)) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
          killed.add(pid);
        }
      }
    } catch (IOException | NumberFormatException | SecurityException e) {
      // no /proc to read: what holds the pipes is closed out by the runner as before
    }
    return killed;
  }

  private static boolean holds(Path proc, Set<String> pipes) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        try {
          if (pipes.contains(Files.readSymbolicLink(fd).toString())) {
            return true;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException | SecurityException e) {
      // ended meanwhile, or another user's
    }
    return false;
  }
}
