package dev.fabricscope.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.BandwidthHelpers;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Iperf3Helper;
import dev.fabricscope.agent.bandwidth.Listener;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.agent.bandwidth.ProcessRunner;
import dev.fabricscope.agent.bandwidth.memory.MemoryRefusedException;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthResult;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Efficiencies;
import dev.fabricscope.bandwidth.Expectation;
import dev.fabricscope.bandwidth.Expectations;
import dev.fabricscope.bandwidth.FlowExpectations;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.sysfs.SysfsRoot;
import dev.fabricscope.text.TerminalText;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bandwidth --kind K [--source E] [--target E] [--size 256M] [--threads N] [--repeat N]
 * [--pageable] [--timeout S] [--format text|json]}: one test on this host, without a server, with
 * the value the path model expects beside it; {@code bandwidth --capabilities} lists the helpers.
 * Bad input, and host buffers larger than the agent's memory budget allows ({@link
 * MemoryRefusedException}), exit 2; a test that cannot run exits 1 with its reason on one line.
 */
@Command(
    name = "bandwidth",
    sortOptions = false,
    header = "One bandwidth test on this host, measured against what the path should carry.",
    description = {
      "GB/s are 10^9 bytes moved per second. Exit codes: 0 measured (whatever the verdict),"
          + " 1 the test cannot run here, 2 bad input or buffers larger than the host memory"
          + " the agent may take now."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  " + Cli.NAME + " bandwidth --kind host-memcpy --source numa:0 --target numa:1",
      "  " + Cli.NAME + " bandwidth --kind gpu-h2d --target gpu:0 --format json",
      "  " + Cli.NAME + " bandwidth --capabilities"
    })
public final class BandwidthCommand implements Callable<Integer> {

  /** Default limit for one test, seconds. */
  static final int DEFAULT_TIMEOUT_SECONDS = 600;

  /**
   * How long the shutdown hook waits for the helper to be killed: its poll (at most a second), its
   * SIGTERM grace and SIGKILL wait ({@link ProcessRunner#DEFAULT_GRACE_MILLIS} each), and a margin.
   */
  static final long STOP_WAIT_MILLIS = 2 * ProcessRunner.DEFAULT_GRACE_MILLIS + 2000;

  @Mixin BandwidthOptions o;

  @Mixin HelpOption help;

  private final PrintStream out;
  private final PrintStream err;
  private final Supplier<BandwidthHelpers> helperSource;
  private BandwidthHelpers helpers;

  /**
   * The command printing results to {@code out} and failures to {@code err}; {@code helpers} is
   * asked once, when the command runs (detecting helpers loads native libraries).
   */
  public BandwidthCommand(PrintStream out, PrintStream err, Supplier<BandwidthHelpers> helpers) {
    this.out = out;
    this.err = err;
    this.helperSource = helpers;
  }

  private BandwidthHelpers helpers() {
    if (helpers == null) {
      helpers = helperSource.get();
    }
    return helpers;
  }

  @Override
  public Integer call() {
    String format = o.format();
    if (o.capabilities) {
      return capabilities(format, out);
    }
    BandwidthSpec spec = o.spec();
    int timeout = o.timeoutSeconds();
    BandwidthHelper helper = helpers().forKind(spec.kind()).orElse(null);
    if (helper == null) {
      err.println("fabricscope-agent: no helper for " + spec.kind().json() + " in this agent");
      return 1;
    }
    boolean listen = o.listen;
    if (listen && !spec.kind().twoSided()) {
      throw new UsageException("--listen is for the target side of rdma-* and tcp tests");
    }
    if (listen && spec.kind() == BandwidthKind.TCP) {
      String refused = Iperf3Helper.refusedListenAddress(spec.target().name());
      if (refused != null) {
        throw new UsageException(refused); // the user's address, not a failure of the test
      }
    }
    Peer peer = null;
    if (spec.kind().twoSided() && !listen) {
      peer = BandwidthOptions.peer(o.peer);
    } else if (o.peer != null) {
      throw new UsageException("--peer is for the source side of rdma-* and tcp tests");
    }
    Cancellation cancel = Cancellation.within(timeout);
    // the hook cancels, then waits for this thread to kill the helper: a hook that only cancelled
    // let the JVM halt first, and a SIGTERM to the agent alone left iperf3 -s listening for good
    // (fifteenth security review, finding 2), as RunCommand's hook already waits for its sides
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Thread onCtrlC = new Thread(() -> cancelAndWait(cancel, cleanedUp), "bandwidth-cancel");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    Measurement m;
    try {
      m = listen ? listen(helper, spec, cancel, format, out) : helper.run(spec, peer, cancel);
      if (m == null) {
        err.println("fabricscope-agent: the listener ended without a measurement");
        return 1;
      }
      m.bounded();
    } catch (MemoryRefusedException e) {
      // the size asked for does not fit this host's memory now: the request, not a helper, is at
      // fault, so it exits as bad input does
      err.println("fabricscope-agent: " + CliErrors.oneLine(e.getMessage()));
      return Cli.BAD_INPUT;
    } catch (HelperException e) {
      err.println("fabricscope-agent: " + CliErrors.oneLine(e.getMessage()));
      return 1;
    } finally {
      cleanedUp.countDown(); // the listener or client is closed (killed) by now
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
    BandwidthResult r;
    if (m.flowSamplesGBps() != null) {
      // concurrent flows: the planner's prediction of them on this host's own report
      r =
          BandwidthResult.ofFlows(
              spec, m.flowSamplesGBps(), m.helper(), expectFlows(spec), Efficiencies.DEFAULTS);
    } else {
      r =
          BandwidthResult.of(
              spec, m.samplesGBps(), m.helper(), expect(spec), Efficiencies.DEFAULTS);
    }
    out.println(
        format.equals("json") ? json(r) : TerminalText.escape(BandwidthText.render(r, spec, m)));
    out.flush();
    return 0;
  }

  /**
   * The shutdown hook: cancels the test, then waits, at most {@link #STOP_WAIT_MILLIS}, until the
   * command's thread has killed its helper (SIGTERM, then SIGKILL after the helper's grace).
   */
  private static void cancelAndWait(Cancellation cancel, CountDownLatch cleanedUp) {
    cancel.cancel();
    try {
      cleanedUp.await(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The target side: starts the listener, prints where it listens (for the source side's {@code
   * --peer}), then waits for the test to end and returns what the listener measured.
   */
  private static Measurement listen(
      BandwidthHelper helper,
      BandwidthSpec spec,
      Cancellation cancel,
      String format,
      PrintStream out)
      throws HelperException {
    try (Listener l = helper.listen(spec, cancel)) {
      Peer p = l.peer();
      String where =
          (p.address().contains(":") ? "[" + p.address() + "]" : p.address()) + ":" + p.port();
      out.println(
          format.equals("json")
              ? "{\"listening\":\"" + where + "\"}"
              : "listening on " + where + " (run the source side with --peer " + where + ")");
      out.flush();
      Measurement m;
      while ((m = l.await(1000)) == null) {
        if (cancel.stop()) {
          throw new HelperException("the listener was stopped before a test ran");
        }
      }
      return m;
    }
  }

  /** The expectation from this host's own report; unknown (with why) when discovery fails. */
  private static Expectation expect(BandwidthSpec spec) {
    if (spec.kind() == BandwidthKind.HOST_MEMCPY) {
      return new Expectations(Efficiencies.DEFAULTS).expect(spec, null, null, null);
    }
    Report report;
    try {
      report = new SysfsDiscovery().discover(SysfsRoot.of(Path.of("/")));
    } catch (RuntimeException e) {
      return Expectation.unknown(
          "this host could not be discovered: "
              + TerminalText.flatten(e.getMessage(), "unknown error"));
    }
    return new Expectations(Efficiencies.DEFAULTS).expect(spec, report, report, null);
  }

  /** Each flow's expectation from this host's report (default capacities), or unknown with why. */
  private static List<Expectation> expectFlows(BandwidthSpec spec) {
    Report report;
    try {
      report = new SysfsDiscovery().discover(SysfsRoot.of(Path.of("/")));
    } catch (RuntimeException e) {
      String why =
          "this host could not be discovered: "
              + TerminalText.flatten(e.getMessage(), "unknown error");
      return spec.flows().stream().map(f -> Expectation.unknown(why)).toList();
    }
    return new FlowExpectations(Efficiencies.DEFAULTS)
        .expect(spec, report, dev.fabricscope.planner.PlanOptions.DEFAULTS);
  }

  private int capabilities(String format, PrintStream out) {
    List<HelperCapability> caps = helpers().detectAll();
    if (format.equals("json")) {
      out.println(json(caps));
    } else {
      for (HelperCapability c : caps) {
        out.print(
            TerminalText.escape(
                String.format(
                    "%-8s %-7s %-8s %s%s%n",
                    c.name(),
                    c.present() ? "present" : "absent",
                    c.version() == null ? "-" : c.version(),
                    c.devices().isEmpty() ? "" : String.join(",", c.devices()) + "  ",
                    c.detail())));
      }
    }
    out.flush();
    return 0;
  }

  private static String json(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The mapper, created on first use: a static field of the command would build Jackson (hundreds
   * of classes) at every start of the agent, whichever command runs.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }
}
