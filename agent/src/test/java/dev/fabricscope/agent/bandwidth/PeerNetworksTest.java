package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.PeerNetworks.Cidr;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Where a run side may connect (eighth review, finding 4): private and cluster ranges, IPv6
 * link-local, this host's own networks and the operator's {@code --peer-networks}; public addresses
 * such as 8.8.8.8 are refused.
 */
class PeerNetworksTest {

  static final PeerNetworks BARE = new PeerNetworks(List.of(), List::of);

  static InetAddress ip(String text) {
    return PeerNetworks.literal(text);
  }

  static boolean ok(PeerNetworks n, String address) {
    return n.problem(address).isEmpty();
  }

  @Test
  void eachPrivateRangeIsTakenToItsEdges() {
    for (String a :
        new String[] {
          "10.0.0.0", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.0.1",
          "192.168.255.254", "100.64.0.1", "100.127.255.255", "fc00::1", "fd12:3456::9",
          "fdff:ffff::1", "fe80::5054:ff:fe12:3456", "febf::1", "::ffff:a01:203"
        }) {
      assertTrue(ok(BARE, a), a);
    }
    for (String a :
        new String[] {
          "9.255.255.255",
          "11.0.0.0",
          "172.15.255.255",
          "172.32.0.0",
          "192.167.255.255",
          "192.169.0.0",
          "100.63.255.255",
          "100.128.0.0",
          "fbff::1",
          "fe00::1",
          "fec0::1"
        }) {
      assertFalse(ok(BARE, a), a);
    }
  }

  @Test
  void publicAddressesAreRefusedNamingWhatWouldBeTaken() {
    for (String a :
        new String[] {
          "8.8.8.8", "1.1.1.1", "::ffff:808:808", "2001:4860:4860::8888", "64:ff9b::808:808"
        }) {
      String why = BARE.problem(a).orElseThrow();
      assertTrue(why.startsWith("address: " + a + " is in no"), why);
      assertTrue(why.contains("is in no private range"), why);
      assertTrue(why.contains("--peer-networks"), why);
    }
    assertEquals(
        "address: ::ffff:808:808 is in no private range (10/8, 172.16/12, 192.168/16, 100.64/10,"
            + " fc00::/7), on no network of this host's interfaces and in no --peer-networks of"
            + " this agent",
        BARE.problem("::ffff:808:808").orElseThrow());
    assertTrue(BARE.problem("8.8.8.8.8").orElseThrow().contains("not an IP literal"));
  }

  @Test
  void onLinkNetworksAreThoseOfThisHostsInterfacesAskedOnlyWhenNeeded() {
    AtomicInteger asked = new AtomicInteger();
    PeerNetworks n =
        new PeerNetworks(
            List.of(),
            () -> {
              asked.incrementAndGet();
              return List.of(
                  Cidr.of(ip("198.51.100.17").getAddress(), 28), Cidr.parse("2001:db8::/64"));
            });
    assertTrue(ok(n, "10.0.0.2"));
    assertEquals(0, asked.get(), "a private peer does not read the interfaces");
    assertTrue(ok(n, "198.51.100.16"));
    assertTrue(ok(n, "198.51.100.31"));
    assertFalse(ok(n, "198.51.100.32"));
    assertTrue(ok(n, "2001:db8::1234"));
    assertFalse(ok(n, "2001:db8:0:1::1"));
    assertEquals(5, asked.get(), "read again for every peer outside the fixed ranges");
  }

  @Test
  void theHostsOwnInterfacesAreRead() {
    // every Linux host has loopback; its network is 127/8 (refused earlier by the listener rule)
    assertTrue(
        PeerNetworks.interfaceNetworks().stream().anyMatch(c -> c.contains(ip("127.0.0.1"))));
  }

  @Test
  void listedNetworksAreTakenAndCheckedAsCidrs() {
    PeerNetworks n =
        new PeerNetworks(
            PeerNetworks.parse(List.of("203.0.113.0/24", " 2001:db8:1::/48", "8.8.8.8/32")),
            List::of);
    assertTrue(ok(n, "203.0.113.200"));
    assertFalse(ok(n, "203.0.114.1"));
    assertTrue(ok(n, "2001:db8:1:ffff::1"));
    assertFalse(ok(n, "2001:db8:2::1"));
    assertTrue(ok(n, "8.8.8.8"));
    assertFalse(ok(n, "8.8.4.4"));
    assertTrue(ok(new PeerNetworks(List.of(Cidr.parse("0.0.0.0/0")), List::of), "1.2.3.4"));
    assertFalse(ok(new PeerNetworks(List.of(Cidr.parse("0.0.0.0/0")), List::of), "2001::1"));
    for (String bad :
        new String[] {
          "10.0.0.0",
          "10.0.0.0/33",
          "fc00::/129",
          "10.0.0.0/-1",
          "example.com/8",
          "10.0.0.0/x",
          "/8",
          "10.0.0.1/24",
          "::ffff:10.0.0.0/104"
        }) {
      assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
    }
    String why =
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.1.2.3/16")).getMessage();
    assertTrue(why.contains("the network is 10.1.0.0/16"), why);
  }

  /** A network for the model: its address as a number, its width in bits and its prefix. */
  record Net(BigInteger network, int width, int prefix) {
    boolean holds(BigInteger a, int w) {
      return w == width && a.shiftRight(width - prefix).equals(network.shiftRight(width - prefix));
    }
  }

  static BigInteger number(InetAddress a) {
    return new BigInteger(1, a.getAddress());
  }

  /**
   * Random addresses (half near the fixed ranges' edges) against random listed and on-link
   * networks: taken exactly when a simple model of the ranges, by numbers, holds them.
   */
  @Test
  void randomAddressesAreTakenExactlyAsTheModelSays() throws Exception {
    Random rnd = new Random(20261210L);
    List<Net> fixed =
        List.of(
            new Net(number(ip("10.0.0.0")), 32, 8),
            new Net(number(ip("172.16.0.0")), 32, 12),
            new Net(number(ip("192.168.0.0")), 32, 16),
            new Net(number(ip("100.64.0.0")), 32, 10),
            new Net(number(ip("fc00::")), 128, 7),
            new Net(number(ip("fe80::")), 128, 10));
    for (int round = 0; round < 200; round++) {
      List<Cidr> listed = new ArrayList<>();
      List<Cidr> onLink = new ArrayList<>();
      List<Net> model = new ArrayList<>(fixed);
      for (int i = rnd.nextInt(4); i > 0; i--) {
        byte[] b = new byte[rnd.nextBoolean() ? 4 : 16];
        rnd.nextBytes(b);
        int prefix = rnd.nextInt(b.length * 8 + 1);
        Cidr c = Cidr.of(b, prefix);
        (rnd.nextBoolean() ? listed : onLink).add(c);
        model.add(new Net(new BigInteger(1, c.network()), b.length * 8, prefix));
      }
      PeerNetworks n = new PeerNetworks(listed, () -> onLink);
      for (int i = 0; i < 50; i++) {
        InetAddress a = address(rnd, model);
        BigInteger x = number(a);
        int w = a.getAddress().length * 8;
        boolean expected = model.stream().anyMatch(m -> m.holds(x, w));
        assertEquals(expected, n.problem(a).isEmpty(), () -> a + " " + listed + " " + onLink);
      }
    }
  }

  /** Random bytes, or a network of the model with a few random bits flipped near its prefix. */
  static InetAddress address(Random rnd, List<Net> model) throws Exception {
    if (rnd.nextBoolean()) {
      byte[] b = new byte[rnd.nextBoolean() ? 4 : 16];
      rnd.nextBytes(b);
      return InetAddress.getByAddress(b);
    }
    Net m = model.get(rnd.nextInt(model.size()));
    BigInteger x = m.network();
    for (int i = 0; i < m.width() - m.prefix(); i++) {
      x = rnd.nextBoolean() ? x.setBit(i) : x;
    }
    if (m.prefix() > 0 && rnd.nextInt(3) == 0) {
      x = x.flipBit(m.width() - 1 - rnd.nextInt(m.prefix())); // just outside, or inside another
    }
    byte[] raw = x.toByteArray();
    byte[] b = new byte[m.width() / 8];
    int take = Math.min(raw.length, b.length);
    System.arraycopy(raw, raw.length - take, b, b.length - take, take);
    return InetAddress.getByAddress(b);
  }
}
