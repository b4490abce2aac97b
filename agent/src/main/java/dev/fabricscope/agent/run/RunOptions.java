package dev.fabricscope.agent.run;

import dev.fabricscope.agent.bandwidth.PeerNetworks;
import dev.fabricscope.agent.cli.UsageException;
import dev.fabricscope.agent.nvml.NvmlStep;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The options of {@code run} and their checks; values are kept as given and checked here, before
 * anything is sent (bad input: one line, exit 2). See README.md, "Sending reports to the server".
 */
public final class RunOptions {

  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");

  @Option(names = "--server", paramLabel = "URL", description = "http(s)://host[:port][/prefix]")
  String server;

  @Option(
      names = "--token-file",
      paramLabel = "F",
      description = "Bearer token, re-read before every request")
  Path tokenFile;

  @Option(names = "--interval", paramLabel = "D", description = "Collection period (5m)")
  String interval;

  @Option(names = "--heartbeat", paramLabel = "D", description = "Heartbeat period (1h)")
  String heartbeat;

  @Option(
      names = "--spool",
      paramLabel = "DIR",
      description = "Durable queue (" + RunCommand.DEFAULT_SPOOL + ")")
  Path spool;

  @Option(names = "--fsroot", paramLabel = "PATH", description = "As for collect (default /)")
  Path fsroot;

  @Option(names = "--label", paramLabel = "k=v", description = "Sent with every report (repeat)")
  List<String> label = new ArrayList<>();

  @Option(names = "--spool-max-files", paramLabel = "N", description = "Spool bound (1000)")
  String spoolMaxFiles;

  @Option(names = "--spool-max-bytes", paramLabel = "N", description = "Spool bound (256M)")
  String spoolMaxBytes;

  @Option(names = "--retry-base", paramLabel = "D", description = "Backoff start (1s)")
  String retryBase;

  @Option(names = "--retry-max", paramLabel = "D", description = "Backoff bound (5m)")
  String retryMax;

  @Option(names = "--timeout", paramLabel = "D", description = "Per request (30s)")
  String timeout;

  @Option(names = "--gzip", arity = "0", description = "gzip request bodies")
  boolean gzip;

  @Option(names = "--no-jobs", arity = "0", description = "Run no bandwidth jobs")
  boolean noJobs;

  @Option(
      names = "--peer-networks",
      paramLabel = "CIDR",
      split = ",",
      description = "Run sides may also connect to these networks (repeat or comma-separate)")
  List<String> peerNetworks = new ArrayList<>();

  @Option(names = "--nvml", arity = "0", description = "Ask NVML although --fsroot is not /")
  boolean nvml;

  @Option(names = "--no-nvml", arity = "0", description = "Do not ask NVML (the NVIDIA driver)")
  boolean noNvml;

  @Option(
      names = "--driver-timeout",
      paramLabel = "D",
      description = "How long NVML and the CUDA driver may take to answer (30s)")
  String driverTimeout;

  /** Whether to ask NVML for the tree ({@link NvmlStep#ask}); both flags are bad usage. */
  boolean nvml(boolean live) {
    try {
      return NvmlStep.ask(live, nvml, noNvml);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * {@code --peer-networks}, checked: where a run side may connect beyond the private ranges and
   * this host's own networks ({@link PeerNetworks}).
   */
  List<PeerNetworks.Cidr> peerNetworks() {
    try {
      return PeerNetworks.parse(peerNetworks);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--peer-networks " + e.getMessage());
    }
  }

  /** {@code --server}, required and checked. */
  URI server() {
    return server(require(server, "--server"));
  }

  /** {@code --token-file}, required. */
  Path tokenFile() {
    return Path.of(require(tokenFile == null ? null : tokenFile.toString(), "--token-file"));
  }

  static String require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new UsageException("run needs " + name);
    }
    return value;
  }

  static URI server(String text) {
    URI u;
    try {
      u = new URI(text);
    } catch (URISyntaxException e) {
      throw new UsageException("--server '" + text + "': not a URL");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw new UsageException("--server '" + text + "': need http(s)://host[:port][/prefix]");
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
      throw new UsageException("--server '" + text + "': no query, fragment or user info");
    }
    // URI takes any number of port digits; the HTTP client refuses past 65535 at every request,
    // and the agent had retried that forever (fourteenth security review)
    if (u.getPort() == 0 || u.getPort() > 65535) {
      throw new UsageException("--server '" + text + "': the port must be 1 to 65535");
    }
    return u;
  }

  static Duration duration(String value, String name, String dflt) {
    try {
      return Durations.parse(value == null ? dflt : value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(name + ": " + e.getMessage());
    }
  }

  /** A positive count; {@code --spool-max-bytes} also takes K, M, G suffixes (powers of 1024). */
  static long count(String v, String name, long dflt, long max) {
    if (v == null) {
      return dflt;
    }
    String s = v.strip().toUpperCase(Locale.ROOT);
    int shift = 0;
    if (name.endsWith("bytes") && !s.isEmpty() && "KMG".indexOf(s.charAt(s.length() - 1)) >= 0) {
      shift = 10 * ("KMG".indexOf(s.charAt(s.length() - 1)) + 1);
      s = s.substring(0, s.length() - 1);
    }
    try {
      long n = Long.parseLong(s);
      if (n < 1 || n > (max >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new UsageException(name + " '" + v + "': need a positive number");
    }
  }

  static Map<String, String> labels(List<String> given) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String kv : given) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      if (eq < 0 || !LABEL_KEY.matcher(k).matches()) {
        throw new UsageException(
            "--label '" + kv + "': need key=value (key: letters, digits, ._/-)");
      }
      if (labels.put(k, kv.substring(eq + 1)) != null) {
        throw new UsageException("--label " + k + " given twice");
      }
    }
    return labels;
  }

  /**
   * The token at start-up ({@link TokenFile#read}): a file that is missing, not a regular file, too
   * large, empty or not a bearer token is bad input, in one line that never quotes the file's
   * content (fourteenth security review). Rotations later go through {@link TokenFile#get}.
   */
  static String readToken(Path file) {
    try {
      return TokenFile.read(file);
    } catch (TokenFile.UnusableException e) {
      throw new UsageException("--token-file " + file + ": " + e.getMessage());
    }
  }

  /** Warns (only: the operator may have reasons) when everyone can read the token. */
  static void warnIfWorldReadable(Path file, AgentLog log) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ)) {
        log.info("warning: token file " + file + " is readable by everyone (chmod 600 it)");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    }
  }
}
