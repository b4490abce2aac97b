package dev.fabricscope.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.BandwidthHelpers;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Listener;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthResult;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.ByteSizes;
import dev.fabricscope.bandwidth.Efficiencies;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.bandwidth.Expectation;
import dev.fabricscope.bandwidth.Expectations;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.sysfs.SysfsRoot;
import dev.fabricscope.topology.Report;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code bandwidth --kind K [--source E] [--target E] [--size 256M] [--threads N] [--repeat N]
 * [--pageable] [--timeout S] [--format text|json]}: one test on this host, without a server, with
 * the value the path model expects beside it; {@code bandwidth --capabilities} lists the helpers.
 * Bad input exits 2; a test that cannot run exits 1 with its reason on one line.
 */
public final class BandwidthCommand {

  /** Default limit for one test, seconds. */
  static final int DEFAULT_TIMEOUT_SECONDS = 600;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BandwidthHelpers helpers;

  public BandwidthCommand() {
    this(BandwidthHelpers.standard());
  }

  BandwidthCommand(BandwidthHelpers helpers) {
    this.helpers = helpers;
  }

  /** Runs the command; returns the exit code. */
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Options o =
        new Options(
            args,
            Set.of(
                "--kind",
                "--source",
                "--target",
                "--size",
                "--threads",
                "--repeat",
                "--duration",
                "--timeout",
                "--peer",
                "--format"),
            Set.of("--pageable", "--capabilities", "--listen"));
    String format = o.get("--format") == null ? "text" : o.get("--format");
    if (!format.equals("text") && !format.equals("json")) {
      throw new UsageException(
          "--format must be text or json, not '" + Endpoint.printable(format) + "'");
    }
    if (o.flag("--capabilities")) {
      return capabilities(format, out);
    }
    BandwidthSpec spec = spec(o);
    int timeout = number(o.get("--timeout"), "--timeout", DEFAULT_TIMEOUT_SECONDS, 1, 86_400);
    BandwidthHelper helper = helpers.forKind(spec.kind()).orElse(null);
    if (helper == null) {
      err.println("fabricscope-agent: no helper for " + spec.kind().json() + " in this agent");
      return 1;
    }
    boolean listen = o.flag("--listen");
    if (listen && !spec.kind().twoSided()) {
      throw new UsageException("--listen is for the target side of rdma-* and tcp tests");
    }
    Peer peer = null;
    if (spec.kind().twoSided() && !listen) {
      peer = peer(o.get("--peer"));
    } else if (o.get("--peer") != null) {
      throw new UsageException("--peer is for the source side of rdma-* and tcp tests");
    }
    Cancellation cancel = Cancellation.within(timeout);
    Thread onCtrlC = new Thread(cancel::cancel, "bandwidth-cancel");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    Measurement m;
    try {
      m = listen ? listen(helper, spec, cancel, format, out) : helper.run(spec, peer, cancel);
      if (m == null) {
        err.println("fabricscope-agent: the listener ended without a measurement");
        return 1;
      }
    } catch (HelperException e) {
      err.println("fabricscope-agent: " + oneLine(e.getMessage()));
      return 1;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException e) {
        // shutting down already
      }
    }
    Expectation expected = expect(spec);
    BandwidthResult r =
        BandwidthResult.of(spec, m.samplesGBps(), m.helper(), expected, Efficiencies.DEFAULTS);
    out.println(format.equals("json") ? json(r) : BandwidthText.render(r, spec, m));
    out.flush();
    return 0;
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

  /** {@code ADDR:PORT} or {@code [IPv6]:PORT} of a listener, checked like every endpoint. */
  static Peer peer(String text) {
    if (text == null) {
      throw new UsageException(
          "--peer ADDR:PORT is required for the source side (start the target with --listen)");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || !text.substring(colon + 1).matches("[0-9]{1,5}")) {
      throw new UsageException("--peer '" + Endpoint.printable(text) + "' is not ADDR:PORT");
    }
    String address = text.substring(0, colon);
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    int port = Integer.parseInt(text.substring(colon + 1));
    if (port < 1 || port > 65535) {
      throw new UsageException("--peer port " + port + " is outside 1 to 65535");
    }
    try {
      return new Peer(Endpoint.parse("addr:" + address).name(), port, null, null);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--peer: " + e.getMessage());
    }
  }

  static BandwidthSpec spec(Options o) {
    String kindName = o.get("--kind");
    if (kindName == null) {
      throw new UsageException("--kind is required, one of " + BandwidthKind.names());
    }
    try {
      BandwidthKind kind = BandwidthKind.of(kindName);
      Endpoint source = endpoint(o.get("--source"), defaultSource(kind), "--source");
      Endpoint target = endpoint(o.get("--target"), defaultTarget(kind), "--target");
      long bytes =
          o.get("--size") == null ? BandwidthSpec.DEFAULT_BYTES : ByteSizes.parse(o.get("--size"));
      int threads = number(o.get("--threads"), "--threads", 1, 1, BandwidthSpec.MAX_THREADS);
      int reps =
          number(
              o.get("--repeat"),
              "--repeat",
              BandwidthSpec.DEFAULT_REPETITIONS,
              1,
              BandwidthSpec.MAX_REPETITIONS);
      Integer duration =
          o.get("--duration") == null
              ? null
              : number(o.get("--duration"), "--duration", 0, 1, BandwidthSpec.MAX_DURATION_SECONDS);
      return BandwidthSpec.of(
          kind, source, target, bytes, reps, duration, threads, o.flag("--pageable"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static Endpoint endpoint(String text, String fallback, String option) {
    if (text == null && fallback == null) {
      throw new UsageException(option + " is required for this kind");
    }
    try {
      return Endpoint.parse(text == null ? fallback : text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  /** Where data comes from when {@code --source} is not given: node 0 or GPU 0. */
  static String defaultSource(BandwidthKind k) {
    return switch (k) {
      case HOST_MEMCPY, GPU_H2D, GPU_BIDIR -> "numa:0";
      case GPU_D2H, GPU_D2D, GPU_P2P -> "gpu:0";
      default -> null;
    };
  }

  /** Where data goes when {@code --target} is not given. */
  static String defaultTarget(BandwidthKind k) {
    return switch (k) {
      case HOST_MEMCPY, GPU_D2H -> "numa:0";
      case GPU_H2D, GPU_BIDIR, GPU_D2D -> "gpu:0";
      case GPU_P2P -> "gpu:1";
      default -> null;
    };
  }

  static int number(String text, String option, int fallback, int min, int max) {
    if (text == null) {
      return fallback;
    }
    if (!text.matches("[0-9]{1,6}")) {
      throw new UsageException(
          option + " '" + Endpoint.printable(text) + "' is not a whole number");
    }
    int n = Integer.parseInt(text);
    if (n < min || n > max) {
      throw new UsageException(option + " " + n + " is outside " + min + " to " + max);
    }
    return n;
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
      return Expectation.unknown("this host could not be discovered: " + oneLine(e.getMessage()));
    }
    return new Expectations(Efficiencies.DEFAULTS).expect(spec, report, report, null);
  }

  private int capabilities(String format, PrintStream out) {
    List<HelperCapability> caps = helpers.detectAll();
    if (format.equals("json")) {
      out.println(json(caps));
    } else {
      for (HelperCapability c : caps) {
        out.printf(
            "%-8s %-7s %-8s %s%s%n",
            c.name(),
            c.present() ? "present" : "absent",
            c.version() == null ? "-" : c.version(),
            c.devices().isEmpty() ? "" : String.join(",", c.devices()) + "  ",
            c.detail());
      }
    }
    out.flush();
    return 0;
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String oneLine(String s) {
    return s == null ? "unknown error" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
