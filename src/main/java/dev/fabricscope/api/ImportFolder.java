package dev.fabricscope.api;

import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.UnpackFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The folder the server stages uploads and unpacks archives in. A configured {@code
 * fabricscope.tmpdir} is used as it is: the operator chose it (the chart's emptyDir at {@code /tmp}
 * is mode 0777 without the sticky bit, and the pod has one user). Unset, the default base ({@code
 * /dev/shm}, else {@code java.io.tmpdir}) is written by every user of the host, so the server works
 * in its user's own subfolder there, {@code fabricscope-unpack-UID} (mode 0700), as the agent does
 * ({@link UnpackFolder}): nothing another user planted in the shared folder is even looked at.
 */
public final class ImportFolder {

  private ImportFolder() {}

  /** The base before any subfolder: the configured folder, else the default base. */
  public static Path base(Optional<Path> configured) {
    return configured.orElseGet(ArchiveExtractor::defaultTempBase);
  }

  /**
   * The folder itself (see the class comment).
   *
   * @throws IOException naming the folder and why, when the default base's subfolder is a link,
   *     another user's or writable by others
   */
  public static Path of(Optional<Path> configured) throws IOException {
    return configured.isPresent() ? configured.get() : UnpackFolder.of(base(configured));
  }
}
