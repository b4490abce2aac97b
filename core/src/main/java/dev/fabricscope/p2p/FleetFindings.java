package dev.fabricscope.p2p;

import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Rules over each host's latest report, for the fleet view. Every rule looks at one report (plus,
 * for {@link #HOST_NOT_SEEN}, what the server knows about the agent's last contact):
 *
 * <ul>
 *   <li>{@link #DOWNTRAINED_LINK}: current width below capable width, p2p-rules.md §5.2 (warning,
 *       one per link, at most {@link #MAX_PER_RULE} per host as every rule); {@link
 *       #LINK_SPEED_BELOW_CAPABLE}: speed below capable, only suspect since GPUs idle down to 2.5
 *       GT/s (info, one per host).
 *   <li>{@link #ACS_REDIRECT_SWITCH_PORT}: switch downstream ports redirecting peer traffic, §2.4
 *       (warning, one per host listing the ports).
 *   <li>{@link #GPU_WITHOUT_CLOSE_NIC}: a GPU without a hardware RDMA NIC at nvidia-smi PIX/PXB
 *       (§4.1), so NCCL stages GPUDirect RDMA through host memory (§4.6); {@link
 *       #GPU_NIC_NOT_ANALYSED} instead on a host of more than {@link #MAX_MATRIX_DEVICES} matrix
 *       devices (warning, one per host: not judged, so unknown).
 *   <li>{@link #SOFTWARE_RDMA_WITH_HARDWARE}: rxe/siw beside a hardware HCA, §2.6 (warning).
 *   <li>{@link #P2PMEM_UNPUBLISHED}: a P2PDMA pool not offered to other drivers, §2.7 (info).
 *   <li>{@link #DRIVER_P2P_DISAGREES}: a GPU pair where the NVIDIA driver's P2P answer (NVML)
 *       differs from the kernel's P2PDMA verdict or NCCL's P2P choice, §2.1, §4.5 (warning); {@link
 *       #DRIVER_P2P_NOT_ANALYSED} instead when the driver lists more than {@link #MAX_DRIVER_PAIRS}
 *       pairs (warning, one per host: not judged, so unknown).
 * </ul>
 *
 * Cost per host: O(functions) plus O((GPUs + NICs) × depth) for the nearest NICs ({@link
 * NearestNic}, at most {@link #MAX_MATRIX_DEVICES} devices) plus one full pair verdict per NVML
 * peer pair (the only pairs the driver can disagree on), at most {@link #MAX_DRIVER_PAIRS}. What is
 * kept per host is bounded too ({@link FindingBounds}): at most {@link #MAX_PER_RULE} findings of a
 * rule, each listing at most {@link #MAX_DEVICES_LISTED} devices, with texts of at most {@link
 * FindingBounds#MAX_TEXT} characters.
 */
public final class FleetFindings {

  public static final String DOWNTRAINED_LINK = "DOWNTRAINED_LINK";
  public static final String LINK_SPEED_BELOW_CAPABLE = "LINK_SPEED_BELOW_CAPABLE";
  public static final String ACS_REDIRECT_SWITCH_PORT = "ACS_REDIRECT_SWITCH_PORT";
  public static final String GPU_WITHOUT_CLOSE_NIC = "GPU_WITHOUT_CLOSE_NIC";
  public static final String SOFTWARE_RDMA_WITH_HARDWARE = "SOFTWARE_RDMA_WITH_HARDWARE";
  public static final String P2PMEM_UNPUBLISHED = "P2PMEM_UNPUBLISHED";
  public static final String HOST_NOT_SEEN = "HOST_NOT_SEEN";
  public static final String DRIVER_P2P_DISAGREES = "DRIVER_P2P_DISAGREES";
  public static final String DRIVER_P2P_NOT_ANALYSED = "DRIVER_P2P_NOT_ANALYSED";
  public static final String GPU_NIC_NOT_ANALYSED = "GPU_NIC_NOT_ANALYSED";

  /**
   * Most matrix devices ({@link P2pAnalyzer#devices()}: GPUs, NICs, NVMe and the like) of a host
   * whose {@link #GPU_WITHOUT_CLOSE_NIC} the findings judge, counted before any matrix is built:
   * the default of {@code /p2p}'s {@code fabricscope.p2p.max-devices} (core reads no server
   * configuration), ten times the largest real host. A valid report of 20,000 GPUs made the
   * findings of every fleet view and of the gauges' background pass build a matrix of them
   * (fifteenth security review); a host over it gets one {@link #GPU_NIC_NOT_ANALYSED} finding
   * instead (warning: unknown, not fine).
   */
  public static final int MAX_MATRIX_DEVICES = 2000;

  /**
   * Most GPU pairs whose driver answer {@link #DRIVER_P2P_DISAGREES} judges on one host, counted
   * from the NVML peer lists before any verdict: each pair is a full verdict (and, when they
   * disagree, a finding kept for the host), and a report whose every GPU lists every other (360
   * GPUs fit the 16 MiB report limit) made 65,000 of them, seconds of CPU and 65,000 findings per
   * snapshot. 4,096 is twice the pairs of 64 GPUs (the largest host has 16, 120 pairs); a host over
   * it gets one {@link #DRIVER_P2P_NOT_ANALYSED} finding instead (warning: unknown, not fine).
   */
  public static final int MAX_DRIVER_PAIRS = 4096;

  /**
   * Most findings of one rule kept one by one for a host; the rest become one finding of that rule
   * listing their devices (at most {@link #MAX_DEVICES_LISTED}) and counting them. A valid report
   * of 20,000 functions all trained below capable width made 19,800 {@code DOWNTRAINED_LINK}
   * findings, kept per host for the fleet view: 30 such imports were 152 MB per findings answer,
   * and 78 ran a 512 MiB server out of heap without a read (fourteenth security review). The
   * largest real host has a few dozen links and 16 GPUs (120 pairs for {@link
   * #DRIVER_P2P_DISAGREES}), so 128 leaves every real finding as it was.
   */
  public static final int MAX_PER_RULE = 128;

  /**
   * Most devices one finding lists ({@link Finding#devices()}); its text says how many there are.
   * Held for every finding in {@link FindingBounds#capped}, so a rule of one finding per host (slow
   * links, ACS ports) lists 256 of 19,800 devices, not all (fifteenth security review).
   */
  public static final int MAX_DEVICES_LISTED = 256;

  private FleetFindings() {}

  /**
   * What the server knows about one host.
   *
   * @param host the host's name in the fleet
   * @param lastSeen when its agent last reported, null when never
   * @param report its latest report, null when none arrived yet
   */
  public record HostReport(String host, Instant lastSeen, Report report) {}

  /** The report rules for one host's latest report, in rule order. */
  public static List<Finding> forHost(String host, Report report) {
    List<Finding> out = new ArrayList<>();
    links(host, report, out);
    acsRedirect(host, report, out);
    P2pAnalyzer analyzer = new P2pAnalyzer(report);
    HostRules.gpuNics(host, analyzer, out);
    HostRules.softwareRdma(host, report, out);
    HostRules.p2pmem(host, report, out);
    HostRules.driverDisagrees(host, analyzer, out);
    return FindingBounds.capped(host, out);
  }

  /**
   * {@link #HOST_NOT_SEEN} when the agent has been silent for at least {@code missedIntervals} scan
   * intervals (or never reported): the server passes what it stores.
   */
  public static Optional<Finding> hostNotSeen(
      String host, Instant lastSeen, Instant now, Duration interval, int missedIntervals) {
    if (lastSeen == null) {
      return Optional.of(
          new Finding(
              HOST_NOT_SEEN,
              Severity.CRITICAL,
              host,
              List.of(),
              host + " has never reported",
              "check that the agent runs on " + host + " and can reach the server"));
    }
    Duration silent = Duration.between(lastSeen, now);
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive");
    }
    long missed = silent.toMillis() / interval.toMillis();
    if (missed < missedIntervals) {
      return Optional.empty();
    }
    return Optional.of(
        new Finding(
            HOST_NOT_SEEN,
            Severity.CRITICAL,
            host,
            List.of(),
            host
                + " last reported at "
                + lastSeen
                + ", "
                + missed
                + " intervals of "
                + interval
                + " ago: its topology may be stale",
            "check that the agent runs on " + host + " and can reach the server"));
  }

  /** §5.2 per link: function D and its upstream port U. */
  private static void links(String host, Report report, List<Finding> out) {
    TreeSet<String> slow = new TreeSet<>(PciTopology::compareBdf);
    for (PciFunction f : report.pci()) {
      PciLink l = f.link();
      if (l == null || isVf(f) || !trained(l.current()) || f.portType().facesDownstream()) {
        continue;
      }
      LinkState cur = l.current();
      Integer capWidth = LinkMath.capableWidth(l);
      Double capSpeed = LinkMath.capableSpeed(l);
      if (capWidth != null && cur.width() < capWidth) {
        out.add(
            new Finding(
                DOWNTRAINED_LINK,
                Severity.WARNING,
                host,
                List.of(f.bdf()),
                f.bdf()
                    + " trained x"
                    + cur.width()
                    + " of x"
                    + capWidth
                    + " capable: "
                    + cur.width()
                    + "/"
                    + capWidth
                    + " of the bandwidth",
                "reseat the card or check the slot's bifurcation and riser; a retrain needs a"
                    + " reset"));
      } else if (capSpeed != null && cur.speedGTs() != null && cur.speedGTs() < capSpeed) {
        slow.add(f.bdf());
      }
    }
    if (!slow.isEmpty()) {
      out.add(
          new Finding(
              LINK_SPEED_BELOW_CAPABLE,
              Severity.INFO,
              host,
              List.copyOf(slow),
              slow.size()
                  + " link(s) below capable speed: GPUs and other devices drop to 2.5 GT/s at"
                  + " idle for power saving, so this is only suspect",
              "check again under load (a bandwidth test); a link still slow then is degraded"));
    }
  }

  /** §2.4: one finding per host listing every redirecting switch downstream port. */
  private static void acsRedirect(String host, Report report, List<Finding> out) {
    TreeSet<String> ports = new TreeSet<>(PciTopology::compareBdf);
    for (PciFunction f : report.pci()) {
      if (f.portType() == PortType.SWITCH_DOWNSTREAM
          && f.acs() != null
          && Boolean.TRUE.equals(f.acs().redirects())) {
        ports.add(f.bdf());
      }
    }
    if (ports.isEmpty()) {
      return;
    }
    out.add(
        new Finding(
            ACS_REDIRECT_SWITCH_PORT,
            Severity.WARNING,
            host,
            List.copyOf(ports),
            ports.size()
                + " switch downstream port(s) redirect peer traffic (ACS ReqRedir/CmpltRedir/"
                + "EgressCtrl): P2P between devices of one switch goes through the root complex",
            // the kernel's command line holds 2,048 characters on x86: a parameter naming
            // thousands of ports would neither fit there nor in a finding kept per host
            ports.size() <= FindingBounds.NAMED
                ? "pci=disable_acs_redir="
                    + String.join(";", ports)
                    + " on the kernel command line (merges IOMMU groups: isolation between these"
                    + " devices is lost)"
                : "pci=disable_acs_redir=<port>[;<port>...] on the kernel command line for the"
                    + " ports whose P2P matters ("
                    + FindingBounds.named(ports)
                    + "; merges IOMMU groups: isolation between these devices is lost)"));
  }

  static boolean isVf(PciFunction f) {
    return f.sriov() != null && f.sriov().physfn() != null;
  }

  private static boolean trained(LinkState s) {
    return s != null && s.width() != null && s.width() > 0;
  }

  /** Whether nvidia-smi's PCIe label puts a NIC close to a GPU: PIX or PXB. */
  static boolean close(SmiLabel label) {
    return label.level().belowHostBridge();
  }

  static boolean hardwareRdma(RdmaDevice d) {
    return d.provider() == RdmaDevice.Provider.HARDWARE;
  }

  static boolean nicKind(DeviceKind k) {
    return k == DeviceKind.NIC || k == DeviceKind.RDMA;
  }
}
