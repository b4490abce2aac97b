package dev.fabricscope.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Modes and owners for the tests of what root may trust: {@code chmod} itself, since Java's POSIX
 * permissions have no sticky bit, and the owner set as root does it.
 */
public final class FileModes {

  /** The uid of {@code nobody}: another user, for tests that run as root. */
  public static final int NOBODY = 65534;

  private FileModes() {}

  /** Runs {@code chmod MODE PATH} (an octal mode, sticky bit and all); fails unless it worked. */
  public static void chmod(Path p, String mode) throws IOException {
    try {
      int rc = new ProcessBuilder("chmod", mode, p.toString()).inheritIO().start().waitFor();
      if (rc != 0) {
        throw new IOException("chmod " + mode + " " + p + ": exit " + rc);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Gives {@code p} (not what it links to) to {@code uid}; root only. */
  public static void owner(Path p, int uid) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
  }
}
