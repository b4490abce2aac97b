package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.bandwidth.tools.PerftestParser;
import dev.fabricscope.bandwidth.tools.PerftestReport;
import dev.fabricscope.bandwidth.tools.ToolOutputException;
import dev.fabricscope.sysfs.SysfsRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RDMA bandwidth with perftest ({@code rdma-write}, {@code rdma-read}, {@code rdma-send} through
 * {@code ib_write_bw}, {@code ib_read_bw}, {@code ib_send_bw}). Both sides run {@code -d DEV -i
 * PORT [-x GID] -p TCPPORT --report_gbits -F -s BYTES (-n ITERS | -D SECONDS)}; the client adds the
 * server's address. {@code -x} is the port's RoCE v2 GID ({@link RdmaPorts#gid}); {@code -n} is the
 * spec's repetitions (at least perftest's minimum of 5), {@code -D} its duration. One sample per
 * run: perftest's BW average, Gb/s ÷ 8. GPU buffers ({@code --use_cuda}) are not offered: RDMA
 * endpoints name ports, not GPUs, in the spec model.
 */
public final class PerftestHelper implements BandwidthHelper {

  /** The helper's name in capabilities. */
  public static final String NAME = "perftest";

  /** perftest's smallest {@code -n} ({@code MIN_ITER}). */
  public static final int MIN_ITERATIONS = 5;

  /** perftest's largest {@code -s}: {@code UINT_MAX / 2}. */
  public static final long MAX_MESSAGE_BYTES = 0xFFFFFFFFL / 2;

  private final ProcessRunner runner;
  private final ExecutableFinder finder;
  private final RdmaPorts ports;
  private final ListeningSockets sockets;
  private final String advertisedAddress;
  private volatile String fallbackAddress;
  private volatile String version;

  /** perftest on the live host ({@code /sys}), advertising the IPv4 address of the port's GID. */
  public PerftestHelper() {
    this(new ProcessRunner(), ExecutableFinder.fromEnvironment(), SysfsRoot.of(Path.of("/")), null);
  }

  /**
   * @param advertisedAddress the address the other side reaches this host's perftest server at (its
   *     out-of-band TCP port); null: the IPv4 address in the port's RoCE GID
   */
  public PerftestHelper(
      ProcessRunner runner, ExecutableFinder finder, SysfsRoot sysfs, String advertisedAddress) {
    this(
        runner,
        finder,
        new RdmaPorts(sysfs),
        new ListeningSockets(Path.of("/proc")),
        advertisedAddress);
  }

  PerftestHelper(
      ProcessRunner runner,
      ExecutableFinder finder,
      RdmaPorts ports,
      ListeningSockets sockets,
      String advertisedAddress) {
    if (advertisedAddress != null) {
      Endpoint.parse("addr:" + advertisedAddress); // refuses anything but an IP literal
    }
    this.runner = runner;
    this.finder = finder;
    this.ports = ports;
    this.sockets = sockets;
    this.advertisedAddress = advertisedAddress;
  }

  /**
   * The address to give the client when the port's GID has no IPv4 address and none was advertised:
   * the agent's own address towards the server (RunCommand), which peers reach too.
   */
  public PerftestHelper withFallbackAddress(String address) {
    if (address != null) {
      Endpoint.parse("addr:" + address); // refuses anything but an IP literal
    }
    this.fallbackAddress = address;
    return this;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HelperCapability detect() {
    try {
      Optional<Path> exe = finder.find("ib_write_bw");
      if (exe.isEmpty()) {
        return HelperCapability.absent(NAME, "ib_write_bw not found in " + finder.dirs());
      }
      // perftest prints "Version: 6.06" and exits with 1 on --version
      ProcessResult r =
          runner.run(
              CommandLine.of(exe.get()).option("--version"), Map.of(), Cancellation.within(5));
      String text = r.stdout().strip();
      if (!text.matches("Version: [0-9]{1,3}\\.[0-9]{1,3}(\\.[0-9]{1,3})?")) {
        return HelperCapability.absent(
            NAME, exe.get() + " --version: " + ProcessListener.firstLine(r));
      }
      version = text.substring("Version: ".length());
      List<String> active =
          ports.ports().stream()
              .filter(RdmaPorts.Port::active)
              .map(RdmaPorts.Port::endpoint)
              .toList();
      if (active.isEmpty()) {
        return HelperCapability.absent(
            NAME, "perftest " + version + " found, but no active RDMA port in " + RdmaPorts.IB);
      }
      return new HelperCapability(NAME, true, version, active, exe.get().getParent().toString());
    } catch (HelperException | RuntimeException e) {
      return HelperCapability.absent(NAME, "perftest check failed: " + e.getMessage());
    }
  }

  @Override
  public boolean handles(BandwidthKind kind) {
    return kind.rdma();
  }

  @Override
  public Listener listen(BandwidthSpec spec, Cancellation cancel) throws HelperException {
    String tool = tool(spec.kind());
    RdmaPorts.Port port = port(spec.target());
    Optional<RdmaPorts.Gid> gid = ports.gid(port);
    String address =
        advertisedAddress != null
            ? advertisedAddress
            : gid.map(RdmaPorts.Gid::ipv4).orElse(fallbackAddress);
    if (address == null) {
      throw new HelperException(
          port.endpoint()
              + ": no address to give the client (no IPv4 GID, no address towards the server)");
    }
    int tcpPort;
    try {
      tcpPort = ListeningSockets.freePort("0.0.0.0");
    } catch (IOException e) {
      throw new HelperException("perftest: no free TCP port: " + e.getMessage());
    }
    CommandLine cmd = command(program(tool), spec, port, gid, tcpPort, null);
    Peer peer =
        new Peer(
            address,
            tcpPort,
            gid.map(RdmaPorts.Gid::gid).orElse(null),
            gid.map(RdmaPorts.Gid::index).orElse(null));
    return ProcessListener.start(
        runner, cmd, Map.of(), peer, cancel, sockets, r -> measurement(tool, r));
  }

  @Override
  public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel)
      throws HelperException {
    String tool = tool(spec.kind());
    Peer checked = Peers.checked(peer, spec.kind().json());
    RdmaPorts.Port port = port(spec.source());
    CommandLine cmd =
        command(program(tool), spec, port, ports.gid(port), checked.port(), checked.address());
    ProcessResult r = runner.run(cmd, Map.of(), cancel);
    if (r.stopped() != null) {
      throw new HelperException(
          tool
              + " "
              + (r.stopped() == ProcessResult.Stop.CANCELLED
                  ? "cancelled"
                  : "reached its deadline"));
    }
    return measurement(tool, r);
  }

  @Override
  public void rehearse() {
    try {
      measurement(
          "ib_write_bw",
          new ProcessResult(
              List.of("ib_write_bw"), 0, RehearsalReports.PERFTEST, "", false, null, 1));
    } catch (HelperException e) {
      throw new IllegalStateException("the rehearsal's perftest report no longer parses", e);
    }
    try {
      for (RdmaPorts.Port p : ports.ports()) {
        if (p.active()) {
          BandwidthSpec spec =
              BandwidthSpec.of(
                  BandwidthKind.RDMA_WRITE,
                  Endpoint.parse(p.endpoint()),
                  Endpoint.parse(p.endpoint()),
                  65536,
                  MIN_ITERATIONS,
                  null,
                  1,
                  false);
          Path program = Path.of("/usr/bin", tool(spec.kind())); // never started
          command(program, spec, p, ports.gid(p), 18515, "192.0.2.2").argv();
          sockets.rehearse();
          return;
        }
      }
    } catch (HelperException e) {
      // the first test meets it again and reports it
    }
  }

  /**
   * The command line of either side.
   *
   * @param serverAddress the server to connect to (client side), null on the server side
   */
  static CommandLine command(
      Path program,
      BandwidthSpec spec,
      RdmaPorts.Port port,
      Optional<RdmaPorts.Gid> gid,
      int tcpPort,
      String serverAddress)
      throws HelperException {
    if (spec.bytes() > MAX_MESSAGE_BYTES) {
      throw new HelperException(
          "perftest messages are at most " + MAX_MESSAGE_BYTES + " bytes, not " + spec.bytes());
    }
    CommandLine c = CommandLine.of(program).option("-d", port.device()).option("-i", port.port());
    gid.ifPresent(g -> c.option("-x", g.index()));
    c.option("-p", tcpPort).option("--report_gbits").option("-F").option("-s", spec.bytes());
    if (spec.durationSeconds() != null) {
      c.option("-D", spec.durationSeconds());
    } else {
      c.option("-n", Math.max(MIN_ITERATIONS, spec.repetitions()));
    }
    if (serverAddress != null) {
      c.value(serverAddress);
    }
    return c;
  }

  static String tool(BandwidthKind kind) throws HelperException {
    return switch (kind) {
      case RDMA_WRITE -> "ib_write_bw";
      case RDMA_READ -> "ib_read_bw";
      case RDMA_SEND -> "ib_send_bw";
      default ->
          throw new HelperException(
              "perftest measures rdma-write|rdma-read|rdma-send, not " + kind.json());
    };
  }

  private RdmaPorts.Port port(Endpoint e) throws HelperException {
    RdmaPorts.Port p =
        ports
            .port(e)
            .orElseThrow(() -> new HelperException(e + " is not an RDMA port of this host"));
    if (!p.active()) {
      throw new HelperException(e + " is not active (" + p.state() + ")");
    }
    return p;
  }

  private Measurement measurement(String tool, ProcessResult r) throws HelperException {
    PerftestReport report;
    try {
      report = PerftestParser.parse(tool, r.rawOutput());
    } catch (ToolOutputException e) {
      throw new HelperException(e.getMessage() + " (exit " + r.exitCode() + ")", e);
    }
    if (!r.ok()) {
      throw new HelperException(
          tool + " exited with " + r.exitCode() + ": " + ProcessListener.firstLine(r));
    }
    return new Measurement(
        List.of(report.averageGBps()),
        tool + (version != null ? " " + version : ""),
        r.rawOutput());
  }

  private Path program(String tool) throws HelperException {
    return finder
        .find(tool)
        .orElseThrow(() -> new HelperException(tool + " not found in " + finder.dirs()));
  }
}
