package dev.fabricscope.agent.cli;

import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.ByteSizes;
import dev.fabricscope.bandwidth.Endpoint;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.Option;

/**
 * The options of {@code bandwidth} and their checks. Every value is kept as the text the user gave
 * and checked here (forms and ranges, before anything runs): a value that reaches a helper's
 * command line has passed {@link Endpoint#parse}, {@link ByteSizes#parse} or {@link #number}.
 */
public final class BandwidthOptions {

  @Option(
      names = "--kind",
      paramLabel = "KIND",
      completionCandidates = Kinds.class,
      description =
          "host-memcpy, gpu-h2d, gpu-d2h, gpu-bidir, gpu-d2d, gpu-p2p, rdma-write,"
              + " rdma-read, rdma-send, tcp or nvme-read")
  String kind;

  @Option(
      names = "--source",
      paramLabel = "E",
      description = "Where data comes from: numa:N, gpu:N, a BDF, rdma:NAME[:PORT] or addr:IP")
  String source;

  @Option(names = "--target", paramLabel = "E", description = "Where data goes (as --source)")
  String target;

  @Option(
      names = "--also",
      paramLabel = "SRC=TARGET",
      description =
          "One more flow run at the same instant as --source to --target (nvme-read,"
              + " host-memcpy); repeat for up to 15")
  java.util.List<String> also;

  @Option(names = "--size", paramLabel = "BYTES", description = "Bytes per copy (default 256M)")
  String size;

  @Option(names = "--threads", paramLabel = "N", description = "Copy threads (default 1)")
  String threads;

  @Option(names = "--repeat", paramLabel = "N", description = "Timed repetitions")
  String repeat;

  @Option(names = "--duration", paramLabel = "S", description = "Seconds of the run (tcp, rdma-*)")
  String duration;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      description = "Limit of the whole test, seconds (default 600)")
  String timeout;

  @Option(names = "--pageable", arity = "0", description = "Pageable host memory (GPU copies)")
  boolean pageable;

  @Option(
      names = "--listen",
      arity = "0",
      description = "Start the target side of an rdma-* or tcp test; prints where it listens")
  boolean listen;

  @Option(
      names = "--peer",
      paramLabel = "ADDR:PORT",
      description = "Run the source side against a --listen target")
  String peer;

  @Option(
      names = "--capabilities",
      arity = "0",
      description = "List the bandwidth helpers found on this host instead")
  boolean capabilities;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      completionCandidates = TextOrJson.class,
      description = "text (default) or json")
  String format;

  /** The test these options describe; bad input is a {@link UsageException}. */
  BandwidthSpec spec() {
    if (kind == null) {
      throw new UsageException("--kind is required, one of " + BandwidthKind.names());
    }
    try {
      BandwidthKind k = BandwidthKind.of(kind);
      Endpoint from = endpoint(source, defaultSource(k), "--source");
      Endpoint to = endpoint(target, defaultTarget(k), "--target");
      long bytes = size == null ? BandwidthSpec.DEFAULT_BYTES : ByteSizes.parse(size);
      int n = number(threads, "--threads", 1, 1, BandwidthSpec.MAX_THREADS);
      int reps =
          number(
              repeat,
              "--repeat",
              BandwidthSpec.DEFAULT_REPETITIONS,
              1,
              BandwidthSpec.MAX_REPETITIONS);
      // a duration only tcp (iperf3 -t) and RDMA (perftest -D) runs use: accepted and ignored
      // elsewhere, the run would not be what was asked (eighteenth security review)
      if (duration != null && k != BandwidthKind.TCP && !k.rdma()) {
        throw new UsageException("--duration applies to tcp and rdma-* tests, not " + kind);
      }
      Integer seconds =
          duration == null
              ? null
              : number(duration, "--duration", 0, 1, BandwidthSpec.MAX_DURATION_SECONDS);
      java.util.List<dev.fabricscope.bandwidth.BandwidthFlow> more = new java.util.ArrayList<>();
      if (also != null) {
        if (also.size() >= BandwidthSpec.MAX_FLOWS) {
          throw new UsageException(
              "--also: at most " + (BandwidthSpec.MAX_FLOWS - 1) + " more flows");
        }
        for (String a : also) {
          try {
            more.add(dev.fabricscope.bandwidth.BandwidthFlow.parse(a));
          } catch (IllegalArgumentException e) {
            throw new UsageException("--also: " + e.getMessage());
          }
        }
      }
      return BandwidthSpec.of(k, from, to, bytes, reps, seconds, n, pageable, more);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** {@code --format}, checked: text or json. */
  String format() {
    String f = format == null ? "text" : format;
    if (!f.equals("text") && !f.equals("json")) {
      throw new UsageException(
          "--format must be text or json, not '" + Endpoint.printable(f) + "'");
    }
    return f;
  }

  /** {@code --timeout} in seconds, checked. */
  int timeoutSeconds() {
    return number(timeout, "--timeout", BandwidthCommand.DEFAULT_TIMEOUT_SECONDS, 1, 86_400);
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

  /** Completion candidates of {@code --kind}. */
  static final class Kinds implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(BandwidthKind.values()).map(BandwidthKind::json).iterator();
    }
  }
}
