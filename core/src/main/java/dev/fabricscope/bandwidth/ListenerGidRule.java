package dev.fabricscope.bandwidth;

import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.Locale;
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
    RdmaDevice.Port listed = report == null ? null : port(report, target.name(), port);
    if (listed == null || listed.gids().isEmpty()) {
      return Optional.empty();
    }
    for (String g : listed.gids()) {
      if (wanted.equals(canonical(g))) {
        return Optional.empty();
      }
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

  private static RdmaDevice.Port port(Report report, String device, int port) {
    for (RdmaDevice d : report.rdma()) {
      if (d.name().equals(device)) {
        for (RdmaDevice.Port p : d.ports()) {
          if (p.port() == port) {
            return p;
          }
        }
      }
    }
    return null;
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
