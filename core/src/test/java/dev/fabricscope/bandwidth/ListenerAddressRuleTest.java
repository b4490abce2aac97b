package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Where a run side may connect, the rule the server and the agent both hold (the reviews of
 * 2026-12-06 and of the agent's trust in the server): one case per rule, and generated addresses
 * and ports judged against the JDK's own classification.
 */
class ListenerAddressRuleTest {

  private static final Endpoint RDMA = Endpoint.parse("rdma:rxe1");

  private static Optional<String> problem(String address, int port, String target, boolean two) {
    return ListenerAddressRule.problem(address, port, Endpoint.parse(target), two);
  }

  private static void refused(String address, int port, String target, boolean two) {
    assertTrue(problem(address, port, target, two).isPresent(), address + ":" + port);
  }

  private static void accepted(String address, int port, String target, boolean two) {
    assertEquals(Optional.empty(), problem(address, port, target, two), address + ":" + port);
  }

  @Test
  void aTestToAnAddressListensOnThatAddressOnly() {
    accepted("10.0.0.2", 5201, "addr:10.0.0.2", true);
    accepted("fd00:0:0:0:0:0:0:2", 5201, "addr:fd00::2", true);
    refused("10.0.0.3", 5201, "addr:10.0.0.2", true);
    refused("fd00::3", 5201, "addr:fd00::2", true);
    assertEquals(
        Optional.of(
            "address: the test's target is 10.0.0.2, so its listener listens there, not on"
                + " 127.0.0.1"),
        problem("127.0.0.1", 22, "addr:10.0.0.2", true));
  }

  @Test
  void betweenTwoHostsNoAddressThatStaysOnOneHostOrGoesToMany() {
    accepted("192.168.100.11", 5201, "rdma:rxe1", true);
    for (String a :
        new String[] {
          "127.0.0.1",
          "127.9.9.9",
          "::1",
          "::ffff:7f00:1", // IPv4-mapped 127.0.0.1
          "0.0.0.0",
          "::",
          "224.0.0.1",
          "239.255.255.250",
          "ff02::1",
          "255.255.255.255",
          "::ffff:ffff:ffff"
        }) {
      refused(a, 5201, "rdma:rxe1", true);
      // a test to that very address is no better between two hosts
      refused(a, 5201, "addr:" + a, true);
    }
    assertEquals(
        Optional.of("address: 127.0.0.1 does not reach one host from another"),
        problem("127.0.0.1", 5201, "rdma:rxe1", true));
  }

  @Test
  void oneHostsTwoPortsMayMeetOnItsLoopback() {
    accepted("127.0.0.1", 5201, "rdma:rxe1", false);
    accepted("::1", 40000, "addr:::1", false);
    refused("127.0.0.2", 5201, "addr:127.0.0.1", false); // still the target's address
  }

  /** The cloud metadata service lives at 169.254.169.254; no test between hosts uses 169.254/16. */
  @Test
  void ipv4LinkLocalIsRefusedBetweenTwoHostsAndIpv6LinkLocalIsNot() {
    for (String a : new String[] {"169.254.169.254", "169.254.0.1", "::ffff:a9fe:a9fe"}) {
      refused(a, 5201, "rdma:rxe1", true);
      accepted(a, 5201, "rdma:rxe1", false);
    }
    // every RoCE port has a GID in fe80::/10, derived from its MAC
    accepted("fe80::5054:ff:fe12:3456", 5201, "rdma:rxe1", true);
    accepted("fe80::1", 5201, "addr:fe80::1", true);
    accepted("169.253.255.255", 5201, "rdma:rxe1", true);
    accepted("169.255.0.0", 5201, "rdma:rxe1", true);
  }

  @Test
  void thePortIsAnEphemeralOne() {
    for (int p : new int[] {-1, 0, 1, 22, 80, 443, 1023, 65536, Integer.MAX_VALUE}) {
      refused("10.0.0.2", p, "addr:10.0.0.2", true);
      refused("127.0.0.1", p, "rdma:rxe1", false);
    }
    for (int p : new int[] {1024, 5201, 18515, 32768, 60999, 65535}) {
      accepted("10.0.0.2", p, "addr:10.0.0.2", true);
    }
    assertEquals(
        Optional.of("port: 22 is not an ephemeral port (1024-65535), which every listener takes"),
        problem("10.0.0.2", 22, "addr:10.0.0.2", true));
  }

  @Test
  void onlyIpLiteralsAreJudgedAndNoNameIsLookedUp() {
    for (String a :
        new String[] {"evil.example.com", "localhost", "10.0.0.2;id", "10.0.0.2\n", "", "::1%lo"}) {
      refused(a, 5201, "rdma:rxe1", false);
    }
    assertTrue(
        ListenerAddressRule.problem(null, 5201, RDMA, false).orElseThrow().startsWith("address:"));
    assertEquals(
        Optional.of("address: an IPv4 or IPv6 literal, not '10.0.0.2?id'"),
        problem("10.0.0.2\u001bid", 5201, "rdma:rxe1", true));
  }

  @Test
  void sameAddressComparesAddressesNotText() {
    assertTrue(ListenerAddressRule.sameAddress("fd00::2", "FD00:0:0:0:0:0:0:2"));
    assertTrue(ListenerAddressRule.sameAddress("127.0.0.1", "::ffff:7f00:1"));
    assertFalse(ListenerAddressRule.sameAddress("10.0.0.2", "10.0.0.3"));
    assertFalse(ListenerAddressRule.sameAddress("localhost", "localhost"));
    assertFalse(ListenerAddressRule.sameAddress(null, "10.0.0.2"));
  }

  @Test
  void generatedAddressesAndPortsAreJudgedAsTheJdkClassifiesThem() throws Exception {
    Random rnd = new Random(20261206);
    int refusedCount = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[rnd.nextInt(4) == 0 ? 16 : 4];
      rnd.nextBytes(b);
      switch (rnd.nextInt(16)) {
        case 0 -> b[0] = (byte) (b.length == 4 ? 127 : 0xff); // loopback or multicast, often
        case 1 -> { // 169.254/16 or fe80::/10
          b[0] = (byte) (b.length == 4 ? 169 : 0xfe);
          b[1] = (byte) (b.length == 4 ? 254 : 0x80 | (b[1] & 0x3f));
        }
        default -> {}
      }
      InetAddress a = InetAddress.getByAddress(b);
      String text = a.getHostAddress();
      boolean bad =
          a.isLoopbackAddress()
              || a.isAnyLocalAddress()
              || a.isMulticastAddress()
              || text.equals("255.255.255.255")
              || a instanceof Inet4Address && a.isLinkLocalAddress();
      int port = rnd.nextInt(70_000) - 1000;
      boolean badPort = port < 1024 || port > 65535;
      boolean two = rnd.nextBoolean();
      assertEquals(bad && two || badPort, problem(text, port, "rdma:rxe1", two).isPresent(), text);
      assertEquals(bad && two || badPort, problem(text, port, "addr:" + text, two).isPresent());
      assertEquals(bad && two, problem(text, 5201, "addr:" + text, two).isPresent(), text);
      refusedCount += bad && two ? 1 : 0;
    }
    assertTrue(refusedCount > 1000, refusedCount + " refused");
  }
}
