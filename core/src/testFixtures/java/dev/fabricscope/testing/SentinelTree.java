package dev.fabricscope.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A folder of files outside any extraction folder, whose every path, kind and SHA-256 is recorded,
 * so a test can prove that unpacking a hostile archive changed nothing there.
 */
public final class SentinelTree {

  private final Path dir;

  private SentinelTree(Path dir) {
    this.dir = dir;
  }

  /** Creates {@code dir} with a few files and folders (a victim file among them). */
  public static SentinelTree create(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("victim"), "the sentinel's own content\n");
    Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/b/c"), "deep\n");
    return new SentinelTree(dir);
  }

  public Path dir() {
    return dir;
  }

  /** The file an attack tries to overwrite. */
  public Path victim() {
    return dir.resolve("victim");
  }

  /** Every path below the folder with its kind and, for files, its SHA-256. */
  public Map<String, String> fingerprint() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        String rel = dir.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "link " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "dir");
        } else {
          out.put(rel, "file " + sha256(Files.readAllBytes(p)));
        }
      }
    }
    return out;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
