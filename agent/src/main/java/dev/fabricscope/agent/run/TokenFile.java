package dev.fabricscope.agent.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The bearer token of {@code run --token-file}, read before every request so that a rotation needs
 * no restart. The rules are the fourteenth security review's (finding 1): a token an HTTP header
 * cannot carry (a CR, a NUL, a BOM, any non-ASCII character) used to pass the start-up check and
 * then stop {@code run} with the token in the log. Now:
 *
 * <ul>
 *   <li>only a regular file is read (a FIFO would block every request, {@code /dev/zero} fill the
 *       heap), and at most {@link #MAX_BYTES};
 *   <li>one leading U+FEFF (a BOM, as Windows editors save) and surrounding white space are
 *       dropped;
 *   <li>what remains must be an RFC 6750 {@code b64token}: {@code [A-Za-z0-9._~+/-]+=*};
 *   <li>no message ever quotes the file's content.
 * </ul>
 *
 * As a {@link Supplier} it hands out the newest usable token; a rotation to an unusable file keeps
 * the previous token and logs one line naming why (once per reason, not once per request).
 */
final class TokenFile implements Supplier<String> {

  /** Far above any real token (the server's are 40-odd characters, JWTs a few hundred). */
  static final int MAX_BYTES = 4096;

  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  /** Why a token file cannot be used; the message names the reason, never the content. */
  static final class UnusableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnusableException(String reason) {
      super(reason);
    }
  }

  private final Path file;
  private final Consumer<String> log;
  private String current;
  private String lastReason;

  /**
   * @param first the token read at start ({@link #read})
   * @param log one line per new reason a rotated file is refused
   */
  TokenFile(Path file, String first, Consumer<String> log) {
    this.file = file;
    this.current = first;
    this.log = log;
  }

  /** The file's token if it is usable now, else the previous one (logged once per reason). */
  @Override
  public synchronized String get() {
    try {
      current = read(file);
      lastReason = null;
    } catch (UnusableException e) {
      if (!e.getMessage().equals(lastReason)) {
        lastReason = e.getMessage();
        log.accept("token file " + file + ": " + e.getMessage() + "; keeping the previous token");
      }
    }
    return current;
  }

  /** The token in {@code file}, checked as above. */
  static String read(Path file) throws UnusableException {
    byte[] bytes;
    try {
      // follows links (a Kubernetes secret is a link to a regular file), refuses what is not one
      if (!Files.isRegularFile(file)) {
        throw new UnusableException(
            Files.exists(file) ? "not a regular file" : "cannot read (no such file)");
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
    } catch (IOException | SecurityException e) {
      throw new UnusableException("cannot read (" + e.getClass().getSimpleName() + ")");
    }
    if (bytes.length > MAX_BYTES) {
      throw new UnusableException("larger than " + MAX_BYTES + " bytes");
    }
    String t = new String(bytes, StandardCharsets.UTF_8);
    if (t.startsWith("\uFEFF")) {
      t = t.substring(1);
    }
    t = t.strip();
    if (t.isEmpty()) {
      throw new UnusableException("empty");
    }
    if (t.indexOf('\n') >= 0) {
      throw new UnusableException("more than one line");
    }
    if (!B64TOKEN.matcher(t).matches()) {
      throw new UnusableException(
          "not a bearer token (RFC 6750: letters, digits, . _ ~ + / - and a trailing =)");
    }
    return t;
  }
}
