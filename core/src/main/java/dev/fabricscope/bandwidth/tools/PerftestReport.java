package dev.fabricscope.bandwidth.tools;

import java.util.List;
import java.util.Map;

/**
 * What one perftest bandwidth run ({@code ib_write_bw}, {@code ib_read_bw}, {@code ib_send_bw})
 * printed, client or server side, read by {@link PerftestParser}.
 *
 * @param test the title line, e.g. {@code RDMA_Write BW Test}
 * @param serverSide whether the run was the listening side (it printed "Waiting for client to
 *     connect")
 * @param header every {@code key : value} field of the header as printed ({@code Device}, {@code
 *     Link type}, {@code GID index}, {@code Mtu}…)
 * @param device the RDMA device ({@code Device})
 * @param linkType {@code Ethernet} (RoCE) or {@code IB}
 * @param connectionType {@code RC}, {@code UC}, {@code UD}, {@code DC}…
 * @param mtuBytes the active MTU in bytes ({@code Mtu : 1024[B]}), null when not printed
 * @param gidIndex the local GID index ({@code GID index}), null when not printed
 * @param localGid the local GID in the usual hex form ({@code fe80:0000:…}), null when not printed
 * @param remoteGid the peer's GID, hex form, null when not printed
 * @param unit the unit of the bandwidth columns
 * @param rows the result table, one row per message size (one unless {@code -a})
 */
public record PerftestReport(
    String test,
    boolean serverSide,
    Map<String, String> header,
    String device,
    String linkType,
    String connectionType,
    Integer mtuBytes,
    Integer gidIndex,
    String localGid,
    String remoteGid,
    Unit unit,
    List<Row> rows) {

  public PerftestReport {
    header = Map.copyOf(header);
    rows = List.copyOf(rows);
  }

  /** The unit of perftest's bandwidth columns. */
  public enum Unit {
    /** {@code Gb/sec} ({@code --report_gbits}): 10^9 bits per second. */
    GBITS,
    /** {@code MB/sec}, printed {@code MiB/sec} from perftest 24.07: 2^20 bytes per second. */
    MIB;

    /** A value in this unit as GB/s (10^9 bytes per second). */
    public double toGBps(double value) {
      return this == GBITS ? RateUnits.gbitsToGBps(value) : RateUnits.mibToGBps(value);
    }
  }

  /**
   * One line of the result table, in the tool's own unit.
   *
   * @param bytes message size ({@code #bytes})
   * @param iterations completed iterations ({@code #iterations})
   * @param peak {@code BW peak}
   * @param average {@code BW average}
   * @param msgRateMpps {@code MsgRate} in millions of messages per second
   */
  public record Row(long bytes, long iterations, double peak, double average, double msgRateMpps) {}

  /** The last row's average bandwidth in GB/s (10^9 bytes per second). */
  public double averageGBps() {
    return unit.toGBps(rows.get(rows.size() - 1).average());
  }
}
