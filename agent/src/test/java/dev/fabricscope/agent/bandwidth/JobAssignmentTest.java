package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * The peer of a run assignment, held to the rule the server holds listeners to (core's {@code
 * ListenerAddressRule}): the server may be hostile, so it cannot send this agent's test client to
 * this host's own services, to many hosts, to the cloud metadata service or to a privileged port.
 * Only this agent's own listener of the same job makes a loopback peer acceptable. A peer on
 * another host must also be in this agent's {@link PeerNetworks}.
 */
class JobAssignmentTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LongFunction<Peer> NONE = id -> null;

  /** A tcp run to {@code target} (addr:…) or, for rdma-write, to rdma:rxe1, with this peer. */
  private static JsonNode run(String kind, String target, String address, int port) {
    boolean tcp = kind.equals("tcp");
    var n =
        JSON.createObjectNode()
            .put("jobId", 9)
            .put("role", "run")
            .put("kind", kind)
            .put("source", tcp ? "addr:10.0.0.1" : "rdma:rxe0")
            .put("target", tcp ? "addr:" + target : "rdma:rxe1")
            .put("bytes", 65536)
            .put("repetitions", 1)
            .put("durationSeconds", 5)
            .put("threads", 1)
            .put("pageable", false)
            .put("timeoutSeconds", 60);
    n.putObject("peer").put("address", address).put("port", port);
    return n;
  }

  private static String refused(JsonNode n, LongFunction<Peer> own) {
    JobAssignment.Refused r = assertThrows(JobAssignment.Refused.class, () -> parse(n, own));
    assertEquals(9, r.jobId(), "reported on its job");
    return r.getMessage();
  }

  private static JobAssignment parse(JsonNode n, LongFunction<Peer> own)
      throws JobAssignment.Refused {
    return JobAssignment.parse(n, own);
  }

  /** Every network listed: the listener rule alone judges. */
  private static final PeerNetworks EVERYWHERE =
      new PeerNetworks(PeerNetworks.parse(List.of("0.0.0.0/0", "::/0")), List::of);

  /**
   * A public peer on another host is refused (the server cannot tell a TCP test's address from its
   * target host's); the same address listed with --peer-networks is taken.
   */
  @Test
  void aPublicPeerIsRefusedUnlessListed() throws Exception {
    for (String a : new String[] {"8.8.8.8", "2001:4860:4860::8888"}) {
      for (String kind : new String[] {"tcp", "rdma-write"}) {
        String why = refused(run(kind, a, a, 5201), NONE);
        assertTrue(why.startsWith("assignment refused: peer.address: " + a + " is in no"), why);
        String cidr = a + (a.contains(":") ? "/128" : "/32");
        PeerNetworks listed = new PeerNetworks(PeerNetworks.parse(List.of(cidr)), List::of);
        assertEquals(a, JobAssignment.parse(run(kind, a, a, 5201), NONE, listed).peer().address());
      }
    }
  }

  @Test
  void aTcpPeerIsTheTestsTargetAddress() throws Exception {
    assertEquals(
        "10.0.0.2", parse(run("tcp", "10.0.0.2", "10.0.0.2", 5201), NONE).peer().address());
    assertEquals(
        "assignment refused: peer.address: the test's target is 10.0.0.2, so its listener"
            + " listens there, not on 10.0.0.3",
        refused(run("tcp", "10.0.0.2", "10.0.0.3", 5201), NONE));
  }

  @Test
  void noPeerThatStaysOnOneHostOrReachesMany() {
    for (String a :
        new String[] {
          "127.0.0.1",
          "127.1.2.3",
          "::1",
          "::ffff:7f00:1",
          "0.0.0.0",
          "::",
          "224.0.0.1",
          "ff02::1",
          "255.255.255.255",
          "169.254.169.254",
          "169.254.1.1"
        }) {
      assertTrue(refused(run("rdma-write", null, a, 5201), NONE).contains("does not reach"), a);
      assertTrue(refused(run("tcp", a, a, 5201), NONE).contains("does not reach"), a);
    }
  }

  /** RoCE GIDs live in fe80::/10: a listener there is taken. */
  @Test
  void ipv6LinkLocalAndOrdinaryAddressesAreTaken() throws Exception {
    for (String a : new String[] {"fe80::5054:ff:fe12:3456", "192.168.100.11", "fd00::2"}) {
      assertEquals(5201, parse(run("rdma-write", null, a, 5201), NONE).peer().port(), a);
    }
  }

  @Test
  void noPrivilegedPort() throws Exception {
    for (int p : new int[] {1, 22, 80, 1023}) {
      assertTrue(refused(run("tcp", "10.0.0.2", "10.0.0.2", p), NONE).contains("peer.port"));
    }
    assertEquals(1024, parse(run("tcp", "10.0.0.2", "10.0.0.2", 1024), NONE).peer().port());
  }

  /** Both sides here: loopback is this agent's own listener of the job, at its address and port. */
  @Test
  void loopbackIsTakenOnlyWhereThisAgentListensForTheJob() throws Exception {
    LongFunction<Peer> own = id -> id == 9 ? new Peer("127.0.0.1", 40000, null, null) : null;
    assertEquals(40000, parse(run("rdma-write", null, "127.0.0.1", 40000), own).peer().port());
    assertEquals(40000, parse(run("tcp", "::ffff:7f00:1", "127.0.0.1", 40000), own).peer().port());
    refused(run("rdma-write", null, "127.0.0.1", 40001), own); // another port of the host
    refused(run("rdma-write", null, "127.0.0.2", 40000), own);
    refused(run("rdma-write", null, "127.0.0.1", 40000), id -> id == 8 ? own.apply(9) : null);
    refused(run("tcp", "10.0.0.2", "127.0.0.1", 40000), own); // still the test's target
  }

  @Test
  void generatedPeersAreJudgedAsTheJdkClassifiesThem() throws Exception {
    Random rnd = new Random(20261209);
    for (int i = 0; i < 5_000; i++) {
      byte[] b = new byte[rnd.nextBoolean() ? 16 : 4];
      rnd.nextBytes(b);
      int pick = rnd.nextInt(6);
      if (pick == 0) {
        b[0] = (byte) (b.length == 4 ? 127 : 0xff);
      } else if (pick == 1 && b.length == 4) {
        b[0] = (byte) 169;
        b[1] = (byte) 254;
      }
      InetAddress a = InetAddress.getByAddress(b);
      String text = a.getHostAddress();
      int port = rnd.nextInt(65_536);
      boolean bad =
          a.isLoopbackAddress()
              || a.isAnyLocalAddress()
              || a.isMulticastAddress()
              || text.equals("255.255.255.255")
              || a instanceof Inet4Address && a.isLinkLocalAddress()
              || port < 1024;
      for (String kind : new String[] {"tcp", "rdma-write"}) {
        JsonNode n = run(kind, text, text, port);
        if (bad) {
          Exception e =
              assertThrows(
                  JobAssignment.Refused.class, () -> JobAssignment.parse(n, NONE, EVERYWHERE));
          assertTrue(e.getMessage().startsWith("assignment refused: peer."), text + ":" + port);
        } else {
          assertEquals(port, JobAssignment.parse(n, NONE, EVERYWHERE).peer().port(), text);
        }
      }
    }
  }
}
