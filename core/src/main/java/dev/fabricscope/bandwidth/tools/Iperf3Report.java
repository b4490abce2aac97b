package dev.fabricscope.bandwidth.tools;

import java.util.List;

/**
 * What one iperf3 run printed with {@code -J}, read by {@link Iperf3Parser}. Rates are GB/s (10^9
 * bytes per second).
 *
 * @param version iperf3's version string ({@code iperf 3.12})
 * @param server whether this is the listening side's report ({@code start.accepted_connection})
 * @param protocol {@code TCP} or {@code UDP} ({@code start.test_start.protocol})
 * @param streams parallel streams ({@code start.test_start.num_streams})
 * @param blockBytes bytes per write ({@code start.test_start.blksize}, iperf3 {@code -l})
 * @param receivedBytes bytes the receiver got ({@code end.sum_received.bytes})
 * @param receivedGBps the receiver's rate ({@code end.sum_received.bits_per_second}): what arrived,
 *     the figure fabricscope reports
 * @param sentGBps the sender's rate ({@code end.sum_sent.bits_per_second}); 0 on the server side,
 *     which sends nothing
 * @param seconds the receiver's measured duration ({@code end.sum_received.seconds})
 * @param retransmits TCP retransmissions the sender counted ({@code end.sum_sent.retransmits}),
 *     null when not reported (server side, UDP)
 * @param intervalsGBps the rate of each reporting interval ({@code intervals[].sum}), in order;
 *     omitted ({@code -O}) intervals and tails shorter than {@link
 *     Iperf3Parser#MIN_INTERVAL_SECONDS} left out
 */
public record Iperf3Report(
    String version,
    boolean server,
    String protocol,
    int streams,
    long blockBytes,
    long receivedBytes,
    double receivedGBps,
    double sentGBps,
    double seconds,
    Integer retransmits,
    List<Double> intervalsGBps) {

  public Iperf3Report {
    intervalsGBps = List.copyOf(intervalsGBps);
  }
}
