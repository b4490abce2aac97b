package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.bandwidth.Endpoint;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The networks a run side may connect to, the agent's own bound on where a server can send its test
 * clients. The server checks a test's endpoints against its hosts' reports, but a report carries no
 * interface addresses outside RoCE GIDs, so it cannot hold a TCP test's {@code addr:} to the target
 * host; without this bound an operator with any agent token of the target host could make this
 * agent stream iperf3 at any address, such as 8.8.8.8, for minutes (eighth review, finding 4).
 *
 * <p>A peer is accepted when it is in a private or cluster range ({@link #PRIVATE}: RFC 1918, the
 * shared CGNAT range {@code 100.64/10} that clusters often use, IPv6 unique local {@code
 * fc00::/7}), in IPv6 link-local {@code fe80::/10} (never routed, so always on this host's link;
 * RoCE ports have GIDs there), on-link (within the network of one of this host's own interface
 * addresses, read when a peer needs it so that new addresses count at once), or in a network the
 * operator listed with {@code run --peer-networks}. What stays on one host or reaches many is
 * refused before this, by the listener rule.
 */
public final class PeerNetworks {

  /** A network: its address with the host bits clear, and its prefix length. */
  public record Cidr(byte[] network, int prefix) {

    /** Copies the bytes: a network does not change under its holder. */
    public Cidr {
      network = network.clone();
    }

    /** The network's bytes (a copy). */
    @Override
    public byte[] network() {
      return network.clone();
    }

    /** Parses {@code ADDRESS/PREFIX}; host bits must be clear (a typo is refused, not widened). */
    public static Cidr parse(String text) {
      int slash = text.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("'" + text + "': need ADDRESS/PREFIX");
      }
      InetAddress a = literal(text.substring(0, slash));
      int bits;
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (a == null || bits < 0 || bits > a.getAddress().length * 8) {
        throw new IllegalArgumentException(
            "'" + text + "': need an IPv4 (/0-32) or IPv6 (/0-128) network");
      }
      Cidr c = of(a.getAddress(), bits);
      if (!Arrays.equals(c.network, a.getAddress())) {
        throw new IllegalArgumentException(
            "'" + text + "': host bits set (the network is " + c + ")");
      }
      return c;
    }

    /** The network of {@code address} with {@code prefix} bits. */
    static Cidr of(byte[] address, int prefix) {
      byte[] n = address.clone();
      for (int i = 0; i < n.length; i++) {
        int keep = Math.max(0, Math.min(8, prefix - 8 * i));
        n[i] &= (byte) (0xff00 >> keep);
      }
      return new Cidr(n, prefix);
    }

    /** Whether {@code a} is in this network (never across IPv4 and IPv6). */
    public boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      return b.length == network.length && Arrays.equals(of(b, prefix).network, network);
    }

    @Override
    public String toString() {
      try {
        return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // 4 or 16 bytes always make an address
      }
    }
  }

  /** The private and cluster ranges a peer may always be in. */
  public static final List<Cidr> PRIVATE =
      List.of(
          Cidr.parse("10.0.0.0/8"),
          Cidr.parse("172.16.0.0/12"),
          Cidr.parse("192.168.0.0/16"),
          Cidr.parse("100.64.0.0/10"),
          Cidr.parse("fc00::/7"));

  private static final Cidr LINK_LOCAL_V6 = Cidr.parse("fe80::/10");

  private final List<Cidr> listed;
  private final Supplier<List<Cidr>> onLink;
  private final Supplier<List<InetAddress>> ownAddresses;

  /**
   * This host's networks, its own addresses read from its interfaces.
   *
   * @param listed the operator's {@code --peer-networks}
   * @param onLink the networks of this host's interface addresses, asked only for a peer that no
   *     fixed range holds
   */
  public PeerNetworks(List<Cidr> listed, Supplier<List<Cidr>> onLink) {
    this(listed, onLink, PeerNetworks::interfaceAddresses);
  }

  /**
   * As {@link #PeerNetworks(List, Supplier)}, with the source of this host's own addresses, where a
   * listen side may listen ({@link #listenProblem}); tests and the rehearsal give their own.
   */
  public PeerNetworks(
      List<Cidr> listed, Supplier<List<Cidr>> onLink, Supplier<List<InetAddress>> ownAddresses) {
    this.listed = List.copyOf(listed);
    this.onLink = onLink;
    this.ownAddresses = ownAddresses;
  }

  /** The private ranges, this host's own networks and {@code listed}. */
  public static PeerNetworks local(List<Cidr> listed) {
    return new PeerNetworks(listed, PeerNetworks::interfaceNetworks);
  }

  /** Parses {@code --peer-networks} values ({@link Cidr#parse}); an empty list lists none. */
  public static List<Cidr> parse(List<String> values) {
    List<Cidr> out = new ArrayList<>();
    for (String v : values) {
      out.add(Cidr.parse(v.strip()));
    }
    return out;
  }

  /**
   * Why the run side must not connect to the IP literal {@code address}, or empty when it may; the
   * refusal names the address as given.
   */
  public Optional<String> problem(String address) {
    InetAddress a = literal(address);
    if (a == null) {
      return Optional.of("address: '" + Endpoint.printable(address) + "' is not an IP literal");
    }
    return problem(a, address);
  }

  /** As {@link #problem(String)} for an address. */
  public Optional<String> problem(InetAddress address) {
    return problem(address, address.getHostAddress());
  }

  private Optional<String> problem(InetAddress address, String shown) {
    if (LINK_LOCAL_V6.contains(address)
        || PRIVATE.stream().anyMatch(c -> c.contains(address))
        || listed.stream().anyMatch(c -> c.contains(address))
        || onLink.get().stream().anyMatch(c -> c.contains(address))) {
      return Optional.empty();
    }
    return Optional.of(
        "address: "
            + shown
            + " is in no private range (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7),"
            + " on no network of this host's interfaces and in no --peer-networks of this agent");
  }

  /**
   * Why this agent's listen side must not listen on the IP literal {@code address}, or empty when
   * it may (fourteenth security review, finding 2: a listener bound where the assignment said,
   * {@code 0.0.0.0} or a multicast address included, took its one test from anyone who reached it
   * first). Refused: an unspecified, multicast or broadcast address (a listener there is open on
   * every interface or to many); an address that is none of this host's own interface addresses,
   * read when asked; and one outside the networks a run side may reach ({@link #problem(String)}:
   * the same rule holds both sides). Loopback is one of this host's addresses and reaches this host
   * only: a test between two ports of it.
   */
  public Optional<String> listenProblem(String address) {
    InetAddress a = literal(address);
    if (a == null) {
      return Optional.of("address: '" + Endpoint.printable(address) + "' is not an IP literal");
    }
    String shown = a.getHostAddress();
    if (a.isAnyLocalAddress() || a.isMulticastAddress() || broadcast(a)) {
      return Optional.of(
          "address: " + shown + " is unspecified, multicast or broadcast, not one host's address");
    }
    if (ownAddresses.get().stream().noneMatch(o -> Arrays.equals(o.getAddress(), a.getAddress()))) {
      return Optional.of("address: " + shown + " is none of this host's interface addresses");
    }
    return a.isLoopbackAddress() ? Optional.empty() : problem(a, shown);
  }

  /** Whether {@code a} is one of this host's interface addresses now (loopback included). */
  static boolean isOwnAddress(InetAddress a) {
    return interfaceAddresses().stream()
        .anyMatch(o -> Arrays.equals(o.getAddress(), a.getAddress()));
  }

  static boolean broadcast(InetAddress a) {
    byte[] b = a.getAddress();
    return b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
  }

  /**
   * This host's own interface addresses (loopback included); none when they cannot be read, which
   * refuses every listen address rather than guesses.
   */
  static List<InetAddress> interfaceAddresses() {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        out.addAll(Collections.list(i.getInetAddresses()));
      }
    } catch (SocketException | RuntimeException e) {
      return List.of();
    }
    return out;
  }

  /**
   * The networks of this host's interface addresses; none when they cannot be read (then only the
   * fixed ranges and the listed networks hold, which refuses rather than guesses).
   */
  static List<Cidr> interfaceNetworks() {
    List<Cidr> out = new ArrayList<>();
    try {
      for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InterfaceAddress a : i.getInterfaceAddresses()) {
          // loopback's 127/8 and ::1 are refused before this rule, so they may stay in the list
          int bits = a.getNetworkPrefixLength();
          byte[] b = a.getAddress().getAddress();
          if (bits >= 0 && bits <= b.length * 8) {
            out.add(Cidr.of(b, bits));
          }
        }
      }
    } catch (SocketException | RuntimeException e) {
      return List.of();
    }
    return out;
  }

  /** An IP literal as an address, null when it is not one; no resolver is ever asked. */
  static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(Endpoint.parse("addr:" + ip).name());
    } catch (IllegalArgumentException | UnknownHostException e) {
      return null;
    }
  }
}
