package dev.fabricscope.agent.run;

import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.PerftestHelper;
import dev.fabricscope.agent.cli.Fsroot;
import dev.fabricscope.agent.cli.Options;
import dev.fabricscope.agent.cli.UsageException;
import dev.fabricscope.agent.nvml.NvmlReader;
import dev.fabricscope.agent.nvml.NvmlStep;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.sysfs.PeriodicScanner;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code run --server URL --token-file F [...]}: the agent as a service. Validates every option up
 * front (bad input: one line, exit 2), then runs {@link RunLoop} and, unless {@code --no-jobs}, the
 * bandwidth {@link JobLoop} beside it until SIGTERM/SIGINT, which exits 0 with the spool consistent
 * and running helpers cancelled. See README.md, "Agent", for the options.
 */
public final class RunCommand {

  /** Spool directory when {@code --spool} is not given. */
  public static final String DEFAULT_SPOOL = "/var/lib/fabricscope-agent/spool";

  /** How long the shutdown hook lets a request in flight finish before aborting it. */
  private static final long GRACE_MILLIS = 3000;

  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");

  private final List<BandwidthHelper> helpers;
  private final Function<BandwidthKind, Optional<BandwidthHelper>> lookup;

  /** The command without bandwidth helpers: jobs the server hands out fail with a reason. */
  public RunCommand() {
    this(List.of(), kind -> Optional.empty());
  }

  /**
   * The command with this agent's bandwidth helpers.
   *
   * @param helpers every helper, for the capabilities the agent reports
   * @param lookup the helper that runs a kind here
   */
  public RunCommand(
      List<BandwidthHelper> helpers, Function<BandwidthKind, Optional<BandwidthHelper>> lookup) {
    this.helpers = List.copyOf(helpers);
    this.lookup = lookup;
  }

  /** Runs the command; returns the exit code once stopped. */
  public int run(List<String> args, PrintStream err) {
    Options o =
        new Options(
            args,
            Set.of(
                "--server",
                "--token-file",
                "--interval",
                "--heartbeat",
                "--spool",
                "--fsroot",
                "--spool-max-files",
                "--spool-max-bytes",
                "--retry-base",
                "--retry-max",
                "--timeout"),
            Set.of("--gzip", "--no-jobs", "--nvml", "--no-nvml"),
            Set.of("--label"));
    URI server = server(require(o, "--server"));
    Path tokenFile = Path.of(require(o, "--token-file"));
    Duration interval = duration(o, "--interval", "5m");
    Duration heartbeat = duration(o, "--heartbeat", "1h");
    Duration retryBase = duration(o, "--retry-base", "1s");
    Duration retryMax = duration(o, "--retry-max", "5m");
    Duration timeout = duration(o, "--timeout", "30s");
    if (retryMax.compareTo(retryBase) < 0) {
      throw new UsageException("--retry-max must not be less than --retry-base");
    }
    Spool.Bounds bounds =
        new Spool.Bounds(
            (int) count(o, "--spool-max-files", Spool.Bounds.DEFAULT.maxFiles(), Integer.MAX_VALUE),
            count(o, "--spool-max-bytes", Spool.Bounds.DEFAULT.maxBytes(), Long.MAX_VALUE));
    Map<String, String> labels = labels(o.all("--label"));
    AgentLog log = new AgentLog(err);
    AtomicReference<String> token = new AtomicReference<>(readToken(tokenFile, true));
    Path spoolDir = Path.of(o.get("--spool") == null ? DEFAULT_SPOOL : o.get("--spool"));

    // counted down only after every resource is closed (spool lock, an unpacked --fsroot archive):
    // the shutdown hook halts the JVM right after, and must not cut the clean-up short
    CountDownLatch finished = new CountDownLatch(1);
    AtomicBoolean exited = new AtomicBoolean();
    try (Fsroot fs = Fsroot.open(o.get("--fsroot"))) {
      PeriodicScanner scanner =
          new PeriodicScanner(
              fs.root(), new SysfsDiscovery(), NvmlStep.of(nvml(fs.live(), o), new NvmlReader()));
      Report first;
      try {
        first = scanner.scan();
      } catch (SysfsDiscovery.NotSysfsException e) {
        throw new UsageException(e.getMessage());
      }
      Spool spool;
      try {
        spool = Spool.open(spoolDir, bounds, log::info);
      } catch (IOException e) {
        throw new UsageException("--spool " + spoolDir + ": " + e.getMessage());
      }
      // the token file is re-read before each request: rotating it needs no restart
      Supplier<String> currentToken =
          () -> {
            String t = readToken(tokenFile, false);
            if (t != null) {
              token.set(t);
            }
            return token.get();
          };
      Sender sender = new Sender(server, labels, currentToken, timeout, o.flag("--gzip"));
      RunLoop loop =
          new RunLoop(
              scanner,
              spool,
              sender,
              new Backoff(retryBase, retryMax),
              retryMax,
              interval,
              heartbeat,
              log);
      // warned only now: bad input must stay a single line on stderr
      warnIfWorldReadable(tokenFile, log);
      log.info(
          "run: server="
              + server
              + " interval="
              + Durations.format(interval)
              + " heartbeat="
              + Durations.format(heartbeat)
              + " spool="
              + spoolDir
              + " ("
              + spool.depth()
              + " waiting)");
      String own = addressTowards(server);
      for (BandwidthHelper h : helpers) {
        if (h instanceof PerftestHelper p) {
          p.withFallbackAddress(own); // the perftest server's out-of-band port, for its peers
        }
      }
      JobLoop jobs =
          o.flag("--no-jobs")
              ? null
              : JobLoop.forHost(first, server, currentToken, timeout, helpers, lookup, log);
      if (jobs != null) {
        Thread t = new Thread(jobs::run, "agent-jobs");
        t.setDaemon(true);
        t.start();
      }
      Thread hook =
          new Thread(
              () -> onSignal(loop, jobs, sender, finished, exited, log, err), "agent-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        loop.run(first);
      } catch (IOException e) {
        log.info("spool failure, stopping: " + e.getMessage());
        return 1;
      } finally {
        if (jobs != null) {
          jobs.stop();
          jobs.awaitSides(GRACE_MILLIS); // helpers kill their processes before the JVM goes
        }
        try {
          spool.close();
        } catch (IOException e) {
          log.info("closing spool: " + e.getMessage());
        }
      }
      return 0;
    } finally {
      exited.set(true);
      finished.countDown();
    }
  }

  /**
   * The shutdown hook. A JVM stopped by a signal exits 143 once the hooks are done; a service
   * manager should see a clean stop, so after the loop ended (spool closed, at most one request
   * aborted) the hook halts with 0 itself. Does nothing when the command already returned (the JVM
   * is exiting with that command's code).
   */
  private static void onSignal(
      RunLoop loop,
      JobLoop jobs,
      Sender sender,
      CountDownLatch finished,
      AtomicBoolean exited,
      AgentLog log,
      PrintStream err) {
    if (exited.get()) {
      return; // the command returned first: the JVM exits with its code
    }
    loop.stop();
    if (jobs != null) {
      jobs.stop(); // running helpers see the cancellation and kill their processes
    }
    try {
      if (!finished.await(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
        sender.abort();
        finished.await(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("stopped: " + loop.depth() + " report(s) left in the spool");
    err.flush();
    Runtime.getRuntime().halt(0);
  }

  private static String require(Options o, String name) {
    String v = o.get(name);
    if (v == null || v.isBlank()) {
      throw new UsageException("run needs " + name);
    }
    return v;
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
    return u;
  }

  private static Duration duration(Options o, String name, String dflt) {
    String v = o.get(name) == null ? dflt : o.get(name);
    try {
      return Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new UsageException(name + ": " + e.getMessage());
    }
  }

  /** A positive count; {@code --spool-max-bytes} also takes K, M, G suffixes (powers of 1024). */
  private static long count(Options o, String name, long dflt, long max) {
    String v = o.get(name);
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
   * The trimmed token. At start-up a missing, unreadable or empty file is bad input; later (a
   * rotation half-way) it gives null and the previous token is kept.
   */
  static String readToken(Path file, boolean startup) {
    String t;
    try {
      t = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      if (startup) {
        throw new UsageException(
            "--token-file " + file + ": cannot read (" + e.getClass().getSimpleName() + ")");
      }
      return null;
    }
    if (t.isEmpty() || t.contains("\n")) {
      if (startup) {
        throw new UsageException(
            "--token-file " + file + ": " + (t.isEmpty() ? "empty" : "more than one line"));
      }
      return null;
    }
    return t;
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

  /**
   * This host's address on the route to the server (a connected UDP socket sends nothing), or null
   * when there is none: what a peer agent can reach a listener of this host at.
   */
  static String addressTowards(URI server) {
    try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
      int port = server.getPort() > 0 ? server.getPort() : 80;
      s.connect(java.net.InetAddress.getByName(server.getHost()), port);
      java.net.InetAddress local = s.getLocalAddress();
      String a = local == null || local.isAnyLocalAddress() ? null : local.getHostAddress();
      return a == null || a.contains("%") ? null : a; // no scoped (link-local) addresses
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean nvml(boolean live, Options o) {
    try {
      return NvmlStep.ask(live, o.flag("--nvml"), o.flag("--no-nvml"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
