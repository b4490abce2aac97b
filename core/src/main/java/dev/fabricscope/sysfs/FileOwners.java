package dev.fabricscope.sysfs;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * Who owns a file, and who this process is: what the agent's spool folder checks, its choice of
 * helper programs ({@code ExecutableFinder}) and the removal of unpacked trees ({@link
 * UnpackTemps}, {@link TreeRemoval}) compare. In core since the fifteenth security review: the
 * server's start-up sweep of its temp base needs the same answer.
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

  /**
   * This process's user as a principal, which the owner read from an open folder ({@code
   * SecureDirectoryStream}, no path) compares with; null where the uid is unknown or has no
   * principal (then owners are not compared). The lookup by a numeric name falls back to the uid
   * itself ({@code getpwnam}, then the number), so a user without a passwd entry works too.
   */
  public static UserPrincipal self() {
    return SELF_PRINCIPAL;
  }

  private static final UserPrincipal SELF_PRINCIPAL = lookUpSelf();

  private static UserPrincipal lookUpSelf() {
    if (SELF < 0) {
      return null;
    }
    try {
      return FileSystems.getDefault()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(Long.toString(SELF));
    } catch (IOException | RuntimeException e) {
      return null;
    }
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
