package dev.fabricscope.plans;

import dev.fabricscope.plan.HostOffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * The name of the build whose planner computed a stored offer: SHA-256 over the project's classes
 * ({@code dev/fabricscope/**}.class) where {@link HostOffer} was loaded from — a jar (name, CRC-32
 * and size of each entry, read from its directory without unpacking) or a class directory (name and
 * bytes of each file). Any change to a class gives a new name, so offers stored by another build
 * are never read back; a build whose classes cannot be read gets a name of its own per process
 * (offers stored, never read back).
 */
final class PlannerBuild {

  private static final String ROOT = "dev/fabricscope/";

  private PlannerBuild() {}

  /** This build's name: 64 hex digits. */
  static String name() {
    URL url = HostOffer.class.getResource("HostOffer.class");
    String self = ROOT + "plan/HostOffer.class";
    try {
      if (url != null && url.getProtocol().equals("jar")) {
        String file = url.getPath(); // file:/.../app.jar!/dev/fabricscope/plan/HostOffer.class
        return ofJar(Path.of(new URL(file.substring(0, file.indexOf("!/"))).toURI()));
      }
      if (url != null && url.getProtocol().equals("file") && url.getPath().endsWith(self)) {
        String dir = url.getPath().substring(0, url.getPath().length() - self.length());
        return ofDirectory(Path.of(new URL("file:" + dir).toURI()));
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      // fall through: a name no other process has
    }
    return digest(List.of("unreadable " + UUID.randomUUID()));
  }

  /** The name of the classes in a jar: each entry's name, CRC-32 and size, by name. */
  static String ofJar(Path jar) throws IOException {
    try (JarFile f = new JarFile(jar.toFile())) {
      List<String> parts = new ArrayList<>();
      for (ZipEntry e : f.stream().sorted((a, b) -> a.getName().compareTo(b.getName())).toList()) {
        if (e.getName().startsWith(ROOT) && e.getName().endsWith(".class")) {
          parts.add(e.getName() + " " + Long.toHexString(e.getCrc()) + " " + e.getSize());
        }
      }
      return digest(parts);
    }
  }

  /** The name of the classes under a class directory: each file's name and bytes, by name. */
  static String ofDirectory(Path classes) throws IOException {
    MessageDigest md = sha256();
    Path root = classes.resolve(ROOT);
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
        md.update(root.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Files.readAllBytes(p));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String digest(List<String> parts) {
    MessageDigest md = sha256();
    for (String p : parts) {
      md.update(p.getBytes(StandardCharsets.UTF_8));
      md.update((byte) '\n');
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
