package dev.fabricscope.agent.bandwidth;

/**
 * Outputs of the helpers' tools in the shapes their parsers read, for the rehearsal before an
 * agent's first test only ({@link BandwidthHelper#rehearse()}): the parsers and the measurement
 * code then run once before a test is timed. Never taken for a measurement.
 */
final class RehearsalReports {

  private RehearsalReports() {}

  /** The shape of a one-second {@code iperf3 -c -J} report, for {@link Iperf3Helper#rehearse()}. */
  static final String IPERF3 =
      "{\"start\":{\"version\":\"iperf 3.12\",\"test_start\":{\"protocol\":\"TCP\","
          + "\"num_streams\":1,\"blksize\":131072}},\"intervals\":[{\"sum\":{\"seconds\":1.0,"
          + "\"bits_per_second\":1.0E10,\"omitted\":false}}],\"end\":{\"sum_sent\":{\"seconds\":1.0,"
          + "\"bits_per_second\":1.0E10,\"retransmits\":0},\"sum_received\":{\"seconds\":1.0,"
          + "\"bytes\":1250000000,\"bits_per_second\":1.0E10}}}";

  /**
   * The shape of an {@code ib_write_bw --report_gbits} report, for {@link
   * PerftestHelper#rehearse()}.
   */
  static final String PERFTEST =
      String.join(
          "\n",
          "                    RDMA_Write BW Test",
          " Dual-port       : OFF\t\tDevice         : rxe0",
          " Mtu             : 1024[B]",
          " GID index       : 0",
          " local address: LID 0000 QPN 0x0013 PSN 0x959ccf RKey 0x0004f9 VAddr 0x007f615e2cd000",
          " GID: 254:128:00:00:00:00:00:00:80:84:00:255:254:00:00:18",
          " remote address: LID 0000 QPN 0x0011 PSN 0x641d09 RKey 0x00027e VAddr 0x007f87e3662000",
          " GID: 254:128:00:00:00:00:00:00:80:84:00:255:254:00:00:16",
          " #bytes     #iterations    BW peak[Gb/sec]    BW average[Gb/sec]   MsgRate[Mpps]",
          " 65536      2000           0.086744            0.083129            0.000159",
          "");
}
