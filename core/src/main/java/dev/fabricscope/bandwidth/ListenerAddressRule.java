package dev.fabricscope.bandwidth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where the listen side of a two-sided test may listen, that is where the run side will connect:
 * one rule, held by the server when a listener reports its address and by the agent when a job
 * assignment hands it a peer (either may be hostile to the other). The address is the test's target
 * address when the test names one ({@code addr:…}); between two hosts it is never one that stays on
 * one host or goes to many, since none of those reaches one host from another; and the port is
 * never a privileged one (below {@value #MIN_PORT}): every listener binds port 0, and the kernel
 * hands out ports of {@code net.ipv4.ip_local_port_range} (32768-60999 by default), which Linux
 * keeps clear of the privileged ones ({@code net.ipv4.ip_unprivileged_port_start}, 1024).
 *
 * <p>Addresses refused between two hosts: loopback ({@code 127/8}, {@code ::1}), unspecified
 * ({@code 0.0.0.0}, {@code ::}; Linux connects those to the host itself), multicast, the limited
 * broadcast {@code 255.255.255.255}, and IPv4 link-local {@code 169.254/16}: it holds the cloud
 * metadata service ({@code 169.254.169.254}), and neither TCP tests nor RDMA ones use it (RoCE GIDs
 * carry the port's configured addresses; a 169.254 address is what a host falls back to without
 * one). IPv6 link-local {@code fe80::/10} is allowed: every RoCE port has a GID derived from its
 * MAC there, a test between two hosts of one link may use it, and no metadata service answers there
 * (AWS's IPv6 one is {@code fd00:ec2::254}, a unique local address).
 */
public final class ListenerAddressRule {

  /** Lowest port a listener may give: the ephemeral ports start above the privileged ones. */
  public static final int MIN_PORT = 1024;

  private ListenerAddressRule() {}

  /**
   * Why the run side of a test to {@code target} must not connect to {@code address:port}, or empty
   * when it may.
   *
   * @param address an IP literal (anything else is refused; no name is ever looked up)
   * @param target the test's target endpoint
   * @param twoHosts whether the listen side and the run side are different hosts
   */
  public static Optional<String> problem(
      String address, int port, Endpoint target, boolean twoHosts) {
    InetAddress a = literal(address);
    if (a == null) {
      return Optional.of(
          "address: an IPv4 or IPv6 literal, not '" + Endpoint.printable(address) + "'");
    }
    if (target != null
        && target.type() == Endpoint.Type.ADDRESS
        && !a.equals(literal(target.name()))) {
      return Optional.of(
          "address: the test's target is "
              + target.name()
              + ", so its listener listens there, not on "
              + Endpoint.printable(address));
    }
    if (twoHosts && staysOnOneHostOrGoesToMany(a)) {
      return Optional.of(
          "address: " + Endpoint.printable(address) + " does not reach one host from another");
    }
    if (port < MIN_PORT || port > 65535) {
      return Optional.of(
          "port: "
              + port
              + " is not an ephemeral port ("
              + MIN_PORT
              + "-65535), which every listener takes");
    }
    return Optional.empty();
  }

  /**
   * Whether {@code a} cannot carry a test from one host to another: loopback, unspecified,
   * multicast, limited broadcast or IPv4 link-local (see the class comment).
   */
  public static boolean staysOnOneHostOrGoesToMany(InetAddress a) {
    return a.isLoopbackAddress()
        || a.isAnyLocalAddress()
        || a.isMulticastAddress()
        || a instanceof Inet4Address && (a.isLinkLocalAddress() || broadcast(a.getAddress()));
  }

  /** Whether two IP literals name the same address ({@code fd00::2} and {@code fd00:0::2}). */
  public static boolean sameAddress(String a, String b) {
    InetAddress x = literal(a);
    return x != null && x.equals(literal(b));
  }

  private static boolean broadcast(byte[] b) {
    return (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
  }

  /**
   * The address of an IP literal, or null. {@link Endpoint#parse} admits literals only, so {@link
   * InetAddress#getByName} never asks a resolver; an IPv4-mapped IPv6 literal comes back as its
   * IPv4 address ({@code ::ffff:7f00:1} is loopback).
   */
  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(Endpoint.parse("addr:" + ip).name());
    } catch (IllegalArgumentException | UnknownHostException e) {
      return null;
    }
  }
}
