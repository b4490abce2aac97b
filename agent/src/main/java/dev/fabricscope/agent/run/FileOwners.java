package dev.fabricscope.agent.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Who owns a file, and who this process is: what the spool folder's checks and the choice of helper
 * programs ({@code ExecutableFinder}) compare.
 */
public final class FileOwners {

  private static final long SELF = readEffectiveUid();

  private FileOwners() {}

  /** The owner of {@code p} itself (a link's own owner, not its target's). */
  public static long uid(Path p) throws IOException {
    return ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  /**
   * This process's effective uid, the owner of the files it creates, from {@code /proc/self/status}
   * (java.base alone: the agent also runs on a jlink'ed runtime without {@code jdk.security.auth});
   * -1 where it cannot be read (then owners are not compared).
   */
  public static long effectiveUid() {
    return SELF;
  }

  private static long readEffectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc: nothing to compare with
    }
    return -1;
  }
}
