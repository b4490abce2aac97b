package dev.fabricscope.agent.bandwidth.memory;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one field of a kernel meminfo file: {@code /proc/meminfo} ({@code MemAvailable: 20971520
 * kB}) or a NUMA node's {@code /sys/devices/system/node/nodeN/meminfo} ({@code Node 0 MemFree:
 * 19922944 kB}), whose lines carry the node as a prefix. The one parser of these files in the
 * agent, so that every reader bounds the number the same way.
 */
public final class Meminfo {

  private Meminfo() {}

  /**
   * The field's value in bytes (the file counts kB), or null when the file has no such line. The
   * number has 15 digits at most (an exabyte): a longer one, which no kernel writes and a long
   * could not hold, reads as unknown too rather than as a {@link NumberFormatException}.
   *
   * @param meminfo the file's text
   * @param field the name before the colon, without a node prefix ({@code MemAvailable}, {@code
   *     MemFree}, {@code MemTotal})
   */
  public static Long bytes(String meminfo, String field) {
    Matcher m =
        Pattern.compile("(?m)^(?:Node \\d{1,4} )?" + Pattern.quote(field) + ":\\s+(\\d{1,15}) kB")
            .matcher(meminfo);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : null;
  }
}
