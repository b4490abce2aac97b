package dev.fabricscope.bandwidth.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads iperf3's {@code -J} report (iperf 3.x, {@code iperf_api.c}): {@code start} (version,
 * connection, test parameters), {@code intervals[].sum} (one per second by default), {@code
 * end.sum_sent} / {@code end.sum_received}, and {@code error} when the run failed ("unable to
 * connect to server: Connection refused"). Input is untrusted: missing or non-numeric fields,
 * negative or non-finite rates and an {@code error} member all give a {@link ToolOutputException}.
 */
public final class Iperf3Parser {

  /** Longest report read: 300 one-second intervals of 16 streams stay well below this. */
  public static final int MAX_CHARS = 8 << 20;

  /** Intervals shorter than this (seconds) are not samples. */
  public static final double MIN_INTERVAL_SECONDS = 0.1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Iperf3Parser() {}

  /**
   * Parses one report. Text before the first line that starts with <code>{</code> (a warning on the
   * same stream) is skipped.
   *
   * @throws ToolOutputException with iperf3's own {@code error} text when it reported one
   */
  public static Iperf3Report parse(String output) throws ToolOutputException {
    if (output == null || output.isBlank()) {
      throw new ToolOutputException("iperf3 printed nothing");
    }
    if (output.length() > MAX_CHARS) {
      throw new ToolOutputException("iperf3 printed more than " + MAX_CHARS + " characters");
    }
    int start = output.startsWith("{") ? 0 : output.indexOf("\n{");
    if (start < 0) {
      throw new ToolOutputException("iperf3 printed no JSON report: " + quote(output));
    }
    JsonNode root;
    try {
      root = JSON.readTree(output.substring(start));
    } catch (JsonProcessingException e) {
      throw new ToolOutputException(
          "iperf3 report is not valid JSON (line "
              + e.getLocation().getLineNr()
              + "): "
              + quote(e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new ToolOutputException("iperf3 report is not a JSON object");
    }
    JsonNode error = root.get("error");
    if (error != null && !error.isNull()) {
      throw new ToolOutputException("iperf3: " + quote(error.asText()));
    }
    JsonNode startNode = object(root, "start");
    JsonNode test = object(startNode, "test_start");
    JsonNode end = object(root, "end");
    JsonNode received = object(end, "sum_received");
    JsonNode sent = object(end, "sum_sent");
    List<Double> intervals = new ArrayList<>();
    JsonNode list = root.get("intervals");
    if (list == null || !list.isArray()) {
      throw new ToolOutputException("iperf3 report has no intervals array");
    }
    for (JsonNode interval : list) {
      JsonNode sum = object(interval, "sum");
      // the server's last interval is a tail of a few milliseconds (2.56 ms in the loopback
      // fixture) whose rate is noise; -O warm-up intervals are marked omitted
      if (!sum.path("omitted").asBoolean(false) && rate(sum, "seconds") >= MIN_INTERVAL_SECONDS) {
        intervals.add(RateUnits.bitsPerSecondToGBps(rate(sum, "bits_per_second")));
      }
    }
    JsonNode retransmits = sent.get("retransmits");
    return new Iperf3Report(
        text(startNode, "version"),
        startNode.has("accepted_connection"),
        text(test, "protocol"),
        (int) whole(test, "num_streams"),
        whole(test, "blksize"),
        whole(received, "bytes"),
        RateUnits.bitsPerSecondToGBps(rate(received, "bits_per_second")),
        RateUnits.bitsPerSecondToGBps(rate(sent, "bits_per_second")),
        rate(received, "seconds"),
        retransmits != null && retransmits.canConvertToInt() ? retransmits.intValue() : null,
        intervals);
  }

  private static JsonNode object(JsonNode parent, String name) throws ToolOutputException {
    JsonNode n = parent.get(name);
    if (n == null || !n.isObject()) {
      throw new ToolOutputException("iperf3 report has no '" + name + "' object");
    }
    return n;
  }

  private static double rate(JsonNode parent, String name) throws ToolOutputException {
    JsonNode n = parent.get(name);
    if (n == null || !n.isNumber() || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
      throw new ToolOutputException("iperf3 report: '" + name + "' is not a non-negative number");
    }
    return n.doubleValue();
  }

  private static long whole(JsonNode parent, String name) throws ToolOutputException {
    JsonNode n = parent.get(name);
    if (n == null || !n.canConvertToLong() || !n.isIntegralNumber() || n.longValue() < 0) {
      throw new ToolOutputException("iperf3 report: '" + name + "' is not a whole number");
    }
    return n.longValue();
  }

  private static String text(JsonNode parent, String name) throws ToolOutputException {
    JsonNode n = parent.get(name);
    if (n == null || !n.isTextual()) {
      throw new ToolOutputException("iperf3 report: '" + name + "' is missing");
    }
    return n.asText();
  }

  private static String quote(String s) {
    return ToolOutputException.quote(s);
  }
}
