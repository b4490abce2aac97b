package dev.fabricscope.bandwidth;

import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which GID the listen side of an RDMA test may say it listens on: one of the GIDs its host's
 * latest report lists for the test's target port ({@code ports/<n>/gids/<i>}, as the agent's
 * perftest helper reads it). The run side's perftest finds the peer's GID in its own handshake, so
 * a false GID misleads nobody's connection; it would mislead the stored test, which shows where the
 * listener was, and a person reading it. A GID is 128 bits like an IPv6 address and is compared as
 * one ({@code fe80::1} is {@code fe80:0000:0000:0000:0000:0000:0000:0001}). Only an RDMA listener
 * has one; where the report does not list the port's GIDs (an older agent, an import) the claim
 * cannot be held to anything and passes.
 */
public final class ListenerGidRule {

  private ListenerGidRule() {}

  /**
   * Why a listener for {@code target} may not claim {@code gid}, or empty when it may.
   *
   * @param gid the GID the listener gave, null when none
   * @param target the test's target endpoint
   * @param report the target host's latest report, null when it has none
   */
  public static Optional<String> problem(String gid, Endpoint target, Report report) {
    return problem(gid, target, report == null ? null : portGids(report));
  }

  /**
   * {@link #problem(String, Endpoint, Report)} with the report's {@link #portGids} read ahead (null
   * when there is no report), so that a server can read them once per snapshot.
   */
  public static Optional<String> problem(
      String gid, Endpoint target, Map<String, List<String>> portGids) {
    if (gid == null) {
      return Optional.empty();
    }
    if (target.type() != Endpoint.Type.RDMA) {
      return Optional.of("gid: only the listener of an RDMA test has one, not of " + target);
    }
    String wanted = canonical(gid);
    if (wanted == null) {
      return Optional.of("gid: not a GID (eight groups of up to four hex digits)");
    }
    int port = target.port() == null ? 1 : target.port();
    List<String> listed = portGids == null ? null : portGids.get(target.name() + ":" + port);
    if (listed == null || listed.isEmpty() || listed.contains(wanted)) {
      return Optional.empty();
    }
    return Optional.of(
        "gid "
            + wanted
            + " is not one of the GIDs of "
            + target.name()
            + " port "
            + port
            + " in its host's latest report");
  }

  /**
   * Every RDMA port's GIDs in a report, keyed {@code device:port}, each GID in the canonical form
   * ({@link #canonical}); GIDs that are no GID are left out.
   */
  public static Map<String, List<String>> portGids(Report report) {
    Map<String, List<String>> out = new HashMap<>();
    for (RdmaDevice d : report.rdma()) {
      for (RdmaDevice.Port p : d.ports()) {
        List<String> gids = new ArrayList<>();
        for (String g : p.gids()) {
          String c = canonical(g);
          if (c != null) {
            gids.add(c);
          }
        }
        out.put(d.name() + ":" + p.port(), List.copyOf(gids));
      }
    }
    return out;
  }

  /**
   * The GID as eight groups of four lower-case hex digits, as sysfs prints it; null when {@code
   * text} is not one (at most one {@code ::}, groups of one to four digits, eight in all).
   */
  static String canonical(String text) {
    if (text == null || text.length() > 39) {
      return null;
    }
    String s = text.toLowerCase(Locale.ROOT);
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    String[] head = gap < 0 ? s.split(":", -1) : split(s.substring(0, gap));
    String[] tail = gap < 0 ? new String[0] : split(s.substring(gap + 2));
    int missing = 8 - head.length - tail.length;
    if (gap < 0 ? missing != 0 : missing < 1) {
      return null;
    }
    StringBuilder out = new StringBuilder(39);
    for (String g : head) {
      if (!group(out, g)) {
        return null;
      }
    }
    for (int i = 0; i < (gap < 0 ? 0 : missing); i++) {
      group(out, "0");
    }
    for (String g : tail) {
      if (!group(out, g)) {
        return null;
      }
    }
    return out.toString();
  }

  private static String[] split(String part) {
    return part.isEmpty() ? new String[0] : part.split(":", -1);
  }

  private static boolean group(StringBuilder out, String g) {
    if (g.isEmpty() || g.length() > 4) {
      return false;
    }
    for (int i = 0; i < g.length(); i++) {
      if (Character.digit(g.charAt(i), 16) < 0) {
        return false;
      }
    }
    if (out.length() > 0) {
      out.append(':');
    }
    out.append("0".repeat(4 - g.length())).append(g);
    return true;
  }
}
