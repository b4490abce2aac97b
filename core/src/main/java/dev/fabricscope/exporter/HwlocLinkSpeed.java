package dev.fabricscope.exporter;

import dev.fabricscope.topology.PciLink.LinkState;
import java.util.ArrayList;
import java.util.List;

/**
 * Speed and width of a PCIe link from hwloc's {@code pci_link_speed}: GB/s per direction of the
 * current link, {@code lanes × per-lane rate}, which hwloc computes in one of these ways (hwloc
 * 2.9):
 *
 * <ul>
 *   <li>from config space (LnkSta, {@code hwloc_pcidisc_find_linkspeed} in pci-common.c): 0.25 and
 *       0.5 GB/s per lane for 2.5 and 5 GT/s (8b/10b), {@code GT/s × 128/130 / 8} for 8 to 32 GT/s,
 *       {@code GT/s × 242/256 / 8} from 64 GT/s;
 *   <li>from sysfs {@code current_link_speed} ({@code hwloc_linux_pci_link_speed_from_string}): the
 *       same for {@code "2.5 GT/s"} and {@code "5 GT/s"}, otherwise {@code GT/s × 128/130 / 8}, so
 *       the kernel ≥ 5.7 string {@code "5.0 GT/s PCIe"} gives 0.615385 per lane (llnl-corona's
 *       bridges) and 64 GT/s 7.876923;
 *   <li>hwloc 1.x and hwloc's NVML backend: the 8 GT/s rate for every generation from 8 GT/s on
 *       (NVML: of the maximum link), covered by the 8 GT/s case;
 *   <li>our own hwloc export: {@link dev.fabricscope.p2p.LinkMath#rawGBps}, 8 GB/s per lane at 64
 *       GT/s.
 * </ul>
 *
 * Only the product is known, so a value usually has several readings: 15.753846 is 8 GT/s ×16, 16
 * GT/s ×8 and 32 GT/s ×4. NCCL multiplies the two ({@code width × speed / 80}, topo.cc {@code
 * ncclTopoAddPci}, where its per-lane value doubles with each generation as hwloc's does), so every
 * reading gives NCCL the same link bandwidth; {@link #decode} picks the widest reading of at most
 * 16 lanes (GPUs, NICs and switch ports of GPU servers are x16, NVMe x4), else the narrowest wider
 * one. Speeds are those NCCL's table knows (2.5 to 64 GT/s), so a faster link is read as a wider
 * one at 64 GT/s, again with the same product. A value no reading matches (hwloc versions that
 * computed otherwise: 0.2 in devel09-pci.xml, 31.0 for llnl-corona's AMD GPUs) is unknown.
 */
final class HwlocLinkSpeed {

  /** Rates NCCL's {@code kvDictPciGen} knows, in GT/s. */
  private static final double[] SPEEDS = {2.5, 5.0, 8.0, 16.0, 32.0, 64.0};

  /** Link widths the PCIe specification allows. */
  private static final int[] WIDTHS = {1, 2, 4, 8, 12, 16, 32};

  /** hwloc writes {@code %f} of a float: six decimals, about seven significant digits. */
  private static final double TOLERANCE = 1e-4;

  private HwlocLinkSpeed() {}

  /** The per-lane GB/s hwloc (or we) may have written for a rate, one per way of computing it. */
  static double[] perLane(double gts) {
    double enc128 = gts * 128.0 / 130.0 / 8.0;
    if (gts <= 5.0) {
      return gts == 5.0 ? new double[] {gts * 0.8 / 8.0, enc128} : new double[] {gts * 0.8 / 8.0};
    }
    if (gts >= 64.0) {
      return new double[] {gts * 242.0 / 256.0 / 8.0, enc128, gts / 8.0};
    }
    return new double[] {enc128};
  }

  /** Every speed and width whose product hwloc would have written as {@code gbps}. */
  static List<LinkState> readings(double gbps) {
    List<LinkState> out = new ArrayList<>();
    for (double s : SPEEDS) {
      for (int w : WIDTHS) {
        for (double lane : perLane(s)) {
          if (Math.abs(lane * w - gbps) <= TOLERANCE) {
            out.add(new LinkState(s, w));
            break;
          }
        }
      }
    }
    return out;
  }

  /** The reading written for NCCL (see the class comment); null when none matches. */
  static LinkState decode(Double gbps) {
    if (gbps == null || !(gbps > 0)) {
      return null;
    }
    LinkState best = null;
    for (LinkState r : readings(gbps)) {
      if (best == null || better(r.width(), best.width())) {
        best = r;
      }
    }
    return best;
  }

  private static boolean better(int w, int than) {
    if (w <= 16 && than <= 16) {
      return w > than;
    }
    return w <= 16 || than > 16 && w < than;
  }
}
