package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The address a listen side binds (fourteenth security review, finding 2): the target of a {@code
 * tcp} listen assignment must be one of this host's own interface addresses, no unspecified,
 * multicast or broadcast one, and within the networks the run side may reach. Loopback, which only
 * this host reaches, stays allowed for a test between two ports of it.
 */
class JobAssignmentListenTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode listen(String target) {
    return JSON.createObjectNode()
        .put("jobId", 9)
        .put("role", "listen")
        .put("kind", "tcp")
        .put("source", "addr:10.0.0.1")
        .put("target", "addr:" + target)
        .put("bytes", 65536)
        .put("repetitions", 1)
        .put("durationSeconds", 5)
        .put("threads", 1)
        .put("pageable", false)
        .put("timeoutSeconds", 60);
  }

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal); // literals only: no resolver is asked
  }

  /** A host with these addresses, the private ranges and {@code listed} as its networks. */
  private static PeerNetworks host(List<String> listed, String... own) throws Exception {
    List<InetAddress> addresses = new ArrayList<>();
    for (String a : own) {
      addresses.add(ip(a));
    }
    return new PeerNetworks(PeerNetworks.parse(listed), List::of, () -> addresses);
  }

  private static final String[] OWN = {
    "0.0.0.0", "::", "224.0.0.1", "255.255.255.255", "127.0.0.1", "::1", "10.0.0.2", "203.0.113.5"
  };

  private static String refused(String target, PeerNetworks networks) {
    JobAssignment.Refused r =
        assertThrows(
            JobAssignment.Refused.class,
            () -> JobAssignment.parse(listen(target), id -> null, networks),
            target);
    assertEquals(9, r.jobId());
    return r.getMessage();
  }

  /** The review's cases, each refused even when a (lying) interface list holds it. */
  @Test
  void unspecifiedMulticastAndBroadcastAreRefused() throws Exception {
    PeerNetworks h = host(List.of("0.0.0.0/0", "::/0"), OWN);
    for (String a : new String[] {"0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255"}) {
      String m = refused(a, h);
      assertTrue(m.startsWith("assignment refused: listen address: "), m);
      assertTrue(m.endsWith("is unspecified, multicast or broadcast, not one host's address"), m);
    }
  }

  @Test
  void anAddressOfAnotherHostIsRefused() throws Exception {
    PeerNetworks h = host(List.of(), OWN);
    for (String a : new String[] {"169.254.169.254", "10.0.0.3", "8.8.8.8", "fd00::2"}) {
      assertTrue(refused(a, h).endsWith("is none of this host's interface addresses"), a);
    }
  }

  /** An own address outside the networks a run side may reach is refused as a peer there is. */
  @Test
  void anOwnAddressOutsideThePeerNetworksIsRefused() throws Exception {
    assertTrue(refused("203.0.113.5", host(List.of(), OWN)).contains("in no private range"));
    JobAssignment ok =
        JobAssignment.parse(
            listen("203.0.113.5"), id -> null, host(List.of("203.0.113.0/24"), OWN));
    assertTrue(ok.listen());
  }

  /** Loopback and private own addresses: a test between two ports of this host, or in a cluster. */
  @Test
  void loopbackAndPrivateOwnAddressesAreTaken() throws Exception {
    PeerNetworks h = host(List.of(), OWN);
    for (String a : new String[] {"127.0.0.1", "::1", "::ffff:7f00:1", "10.0.0.2"}) {
      assertTrue(JobAssignment.parse(listen(a), id -> null, h).listen(), a);
    }
  }

  /** This host's real interface list holds loopback: a listener on 127.0.0.1 stays possible. */
  @Test
  void theRealInterfaceListHoldsLoopback() throws Exception {
    assertTrue(PeerNetworks.interfaceAddresses().contains(ip("127.0.0.1")));
    JobAssignment.parse(listen("127.0.0.1"), id -> null, PeerNetworks.local(List.of()));
  }

  @Test
  void generatedListenAddressesAreJudgedByTheRule() throws Exception {
    Random rnd = new Random(14_2);
    for (int i = 0; i < 3_000; i++) {
      byte[] b = new byte[rnd.nextBoolean() ? 16 : 4];
      rnd.nextBytes(b);
      switch (rnd.nextInt(6)) {
        case 0 -> b[0] = (byte) (b.length == 4 ? 10 : 0xfd); // private
        case 1 -> b[0] = (byte) (b.length == 4 ? 224 : 0xff); // multicast
        case 2 -> Arrays.fill(b, (byte) 0); // unspecified
        case 3 -> b[0] = (byte) (b.length == 4 ? 127 : 0xfd);
        default -> {}
      }
      InetAddress a = InetAddress.getByAddress(b);
      boolean own = rnd.nextBoolean();
      PeerNetworks h =
          new PeerNetworks(List.of(), List::of, () -> own ? List.of(a) : List.<InetAddress>of());
      boolean inNetworks =
          a.isLoopbackAddress()
              || a instanceof Inet6Address && a.isLinkLocalAddress() // RoCE GIDs: fe80::/10
              || PeerNetworks.PRIVATE.stream().anyMatch(c -> c.contains(a));
      boolean many =
          a.isAnyLocalAddress()
              || a.isMulticastAddress()
              || a.getHostAddress().equals("255.255.255.255");
      String text = a.getHostAddress();
      if (!many && own && inNetworks) {
        assertTrue(JobAssignment.parse(listen(text), id -> null, h).listen(), text);
      } else {
        assertTrue(refused(text, h).startsWith("assignment refused: listen address: "), text);
      }
    }
  }
}
