package dev.fabricscope.api;

import dev.fabricscope.security.ApiException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * What an importer hears when the server cannot stage an upload, instead of a bare 500: the import
 * folder itself unusable (a misconfigured {@code fabricscope.tmpdir}, a default subfolder another
 * user took: the server's own fault, 500 with the setting named), or no room left while the upload
 * is written or unpacked (507, as a full history volume answers: an operator must make room, a
 * resend at once will not help). The folder's path and the system's words go to the log only: they
 * are the server's, not the caller's.
 */
final class StagingFailures {

  private static final Logger LOG = Logger.getLogger(StagingFailures.class);

  private StagingFailures() {}

  /** The import folder ({@link ImportFolder#of}) cannot be used. */
  static ApiException folderUnusable(IOException e) {
    LOG.errorf("imports are refused: the import folder cannot be used: %s", e.getMessage());
    return new ApiException(
        500,
        "Import folder unusable",
        "the server cannot use its import folder (fabricscope.tmpdir); an administrator must fix"
            + " it, the server log says why; nothing was stored");
  }

  /** Writing or unpacking the upload in the import folder failed. */
  static ApiException stagingFailed(IOException e) {
    if (noRoomBehind(e)) {
      LOG.warnf("an import was refused: no room to stage it: %s", e.getMessage());
      return new ApiException(
          StoreFullMapper.INSUFFICIENT_STORAGE,
          "Insufficient storage",
          "the server has no room left to stage the upload in its import folder"
              + " (fabricscope.tmpdir); nothing was stored");
    }
    LOG.errorf("an import could not be staged: %s", e.toString());
    return new ApiException(
        500,
        "Import not staged",
        "the server could not write the upload to its import folder (fabricscope.tmpdir); the"
            + " server log says why; nothing was stored");
  }

  /**
   * Whether a full disk is behind a failed import: an archive unpacked into a full folder fails as
   * an unreadable archive (422), but the upload was not at fault.
   */
  static boolean noRoomBehind(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException io && noRoom(io)) {
        return true;
      }
    }
    return false;
  }

  /**
   * ENOSPC or EDQUOT, as the JDK words them: the whole message of a failed write, or a file system
   * error's reason. Whole words only, so that an archive cannot name an entry to look like a full
   * disk.
   */
  static boolean noRoom(IOException e) {
    String words = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    String w = words == null ? "" : words.strip().toLowerCase(Locale.ROOT);
    return w.equals("no space left on device") || w.equals("disk quota exceeded");
  }
}
