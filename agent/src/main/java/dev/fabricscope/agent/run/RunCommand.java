package dev.fabricscope.agent.run;

import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.BandwidthHelpers;
import dev.fabricscope.agent.bandwidth.PeerNetworks;
import dev.fabricscope.agent.bandwidth.PerftestHelper;
import dev.fabricscope.agent.bandwidth.cuda.CudaCopyHelper;
import dev.fabricscope.agent.cli.Cli;
import dev.fabricscope.agent.cli.Fsroot;
import dev.fabricscope.agent.cli.HelpOption;
import dev.fabricscope.agent.cli.UsageException;
import dev.fabricscope.agent.isolation.IsolatedCall;
import dev.fabricscope.agent.nvml.IsolatedNvmlReader;
import dev.fabricscope.agent.nvml.NvmlStep;
import dev.fabricscope.sysfs.PeriodicScanner;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code run --server URL --token-file F [...]}: the agent as a service. Validates every option up
 * front (bad input: one line, exit 2), then runs {@link RunLoop} and, unless {@code --no-jobs}, the
 * bandwidth {@link JobLoop} beside it until SIGTERM/SIGINT, which exits 0 with the spool consistent
 * and running helpers cancelled. See README.md, "Agent", for the options.
 */
@Command(
    name = "run",
    sortOptions = false,
    header = "The agent as a service: send changed reports to the server.",
    description = {
      "Collects at start and every --interval, sends changed reports (spooled durably),"
          + " heartbeats otherwise, and runs the bandwidth jobs the server hands out."
          + " Durations: 500ms, 30s, 5m, 1h, 1d, 1h30m.",
      "Exit codes: 0 stopped by SIGTERM/SIGINT, 1 the spool failed while running, 2 bad input"
          + " (nothing sent)."
    },
    footerHeading = "%nExample:%n",
    footer = "  " + Cli.NAME + " run --server https://fabricscope.example.com --token-file F")
public final class RunCommand implements Callable<Integer> {

  /** Spool directory when {@code --spool} is not given. */
  public static final String DEFAULT_SPOOL = "/var/lib/fabricscope-agent/spool";

  /** How long the shutdown hook lets a request in flight finish before aborting it. */
  private static final long GRACE_MILLIS = 3000;

  @Mixin RunOptions o;

  @Mixin HelpOption help;

  private final PrintStream err;
  private final Supplier<BandwidthHelpers> helpers;

  /**
   * The command logging to {@code err}, with this agent's bandwidth helpers (asked for once the
   * options are checked: detecting them loads native libraries).
   */
  public RunCommand(PrintStream err, Supplier<BandwidthHelpers> helpers) {
    this.err = err;
    this.helpers = helpers;
  }

  /** Runs the command; returns the exit code once stopped. */
  @Override
  public Integer call() {
    URI server = o.server();
    Path tokenFile = o.tokenFile();
    Duration interval = RunOptions.duration(o.interval, "--interval", "5m");
    Duration heartbeat = RunOptions.duration(o.heartbeat, "--heartbeat", "1h");
    Duration retryBase = RunOptions.duration(o.retryBase, "--retry-base", "1s");
    Duration retryMax = RunOptions.duration(o.retryMax, "--retry-max", "5m");
    Duration timeout = RunOptions.duration(o.timeout, "--timeout", "30s");
    Duration driverTimeout = RunOptions.duration(o.driverTimeout, "--driver-timeout", "30s");
    if (driverTimeout.isZero()) {
      throw new UsageException("--driver-timeout must be more than 0");
    }
    if (retryMax.compareTo(retryBase) < 0) {
      throw new UsageException("--retry-max must not be less than --retry-base");
    }
    Spool.Bounds bounds =
        new Spool.Bounds(
            (int)
                RunOptions.count(
                    o.spoolMaxFiles,
                    "--spool-max-files",
                    Spool.Bounds.DEFAULT.maxFiles(),
                    Integer.MAX_VALUE),
            RunOptions.count(
                o.spoolMaxBytes,
                "--spool-max-bytes",
                Spool.Bounds.DEFAULT.maxBytes(),
                Long.MAX_VALUE));
    Map<String, String> labels = RunOptions.labels(o.label);
    List<PeerNetworks.Cidr> peerNetworks = o.peerNetworks();
    AgentLog log = new AgentLog(err);
    String firstToken = RunOptions.readToken(tokenFile);
    Path spoolDir = o.spool == null ? Path.of(DEFAULT_SPOOL) : o.spool;

    // told only after every resource is closed (spool lock, an unpacked --fsroot archive): the
    // shutdown hook halts the JVM right after, and must not cut the clean-up short
    RunShutdown shutdown = null;
    Thread.UncaughtExceptionHandler previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    java.util.function.Consumer<String> notesBefore = null;
    try (Fsroot fs = Fsroot.open(o.fsroot == null ? null : o.fsroot.toString())) {
      // closed below, after the loop (the shutdown hook waits for it); a scan still running then
      // may read a tree being removed, and RunLoop drops its report
      fs.closedByOwnerOnly();
      // before the first scan: a stop during the start-up is a clean one too
      shutdown = RunShutdown.install(GRACE_MILLIS, log, err);
      // a thread that dies of what it did not catch stops the agent (exit 1), not only itself
      Thread.setDefaultUncaughtExceptionHandler(shutdown::uncaught);
      // a driver that misbehaved after answering, noted once per quarter hour per kind of note
      notesBefore = IsolatedCall.noteTo(log.quietRepeats(Duration.ofMinutes(15))::info);
      PeriodicScanner scanner =
          new PeriodicScanner(
              fs.root(),
              new SysfsDiscovery(),
              // in a child JVM with a deadline: the first scan comes before the spool, the sender
              // and the job loop, and a hanging or crashing driver must not stop them all
              NvmlStep.of(o.nvml(fs.live()), new IsolatedNvmlReader(driverTimeout)));
      // later scans run on a thread of their own: a slow one must not hold back heartbeats
      ExecutorService scanThread = ScanWorker.ownThread();
      Report first = firstScan(scanner, scanThread, shutdown);
      if (first == null) {
        scanThread.shutdown(); // no interrupt: the NVML child ends by its own deadline
        return 0;
      }
      Spool spool;
      try {
        spool = Spool.open(spoolDir, bounds, log::info);
      } catch (IOException e) {
        throw new UsageException("--spool " + spoolDir + ": " + e.getMessage());
      }
      // the token file is re-read before each request: rotating it needs no restart
      Supplier<String> currentToken = new TokenFile(tokenFile, firstToken, log::info);
      Sender sender = new Sender(server, labels, currentToken, timeout, o.gzip);
      RunLoop loop =
          new RunLoop(
              scanner::scan,
              scanThread,
              LoopClock.SYSTEM,
              spool,
              sender,
              new Backoff(retryBase, retryMax),
              retryMax,
              interval,
              heartbeat,
              log);
      // warned only now: bad input must stay a single line on stderr
      RunOptions.warnIfWorldReadable(tokenFile, log);
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
      BandwidthHelpers found = helpers.get();
      String own = addressTowards(server);
      for (BandwidthHelper h : found.all()) {
        if (h instanceof PerftestHelper p) {
          p.withFallbackAddress(own); // the perftest server's out-of-band port, for its peers
        }
        if (h instanceof CudaCopyHelper c) {
          // cuInit in a child JVM, as NVML; each gpu-* job's copies in one too, with the job's
          // deadline: a driver hanging or crashing in a copy must not silence the agent
          c.detectWithin(driverTimeout).copyInChild();
        }
      }
      JobLoop jobs =
          o.noJobs
              ? null
              : JobLoop.forHost(
                  first,
                  server,
                  currentToken,
                  timeout,
                  found.all(),
                  found::forKind,
                  log,
                  PeerNetworks.local(peerNetworks));
      if (jobs != null) {
        Thread t = new Thread(jobs::run, "agent-jobs");
        t.setDaemon(true);
        t.start();
      }
      try {
        if (shutdown.running(loop, jobs, sender)) {
          loop.run(first);
        }
      } catch (IOException e) {
        log.info("spool failure, stopping: " + e.getMessage());
        return 1;
      } finally {
        scanThread.shutdown(); // no interrupt: a scan's NVML child ends by its own deadline
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
      if (shutdown != null) {
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        if (notesBefore != null) {
          IsolatedCall.noteTo(notesBefore);
        }
        shutdown.exited();
      }
    }
  }

  /**
   * The first scan, on the scan thread, so that a stop need not wait for it; null when a stop came
   * first (the scan is left to end by itself, its NVML child by its own deadline).
   */
  private static Report firstScan(
      PeriodicScanner scanner, ExecutorService thread, RunShutdown shutdown) {
    Future<Report> scan = thread.submit(scanner::scan);
    while (!shutdown.requested()) {
      try {
        return scan.get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // still scanning: look at the stop again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SysfsDiscovery.NotSysfsException n) {
          throw new UsageException(n.getMessage());
        }
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
    return null;
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
}
