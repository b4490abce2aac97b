package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.Listener;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import dev.fabricscope.security.ApiException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A listen side may not send the run side anywhere (the review of 2026-12-06): the server's 422 for
 * each rule, and thousands of generated addresses judged against the JDK's own classification. The
 * rule itself, ports included, is core's {@link ListenerAddressRule} (ListenerAddressRuleTest).
 */
class ListenerAddressTest {

  private static Job job(String target, String sourceHost, String targetHost) {
    BandwidthKind kind = target.startsWith("addr:") ? BandwidthKind.TCP : BandwidthKind.RDMA_WRITE;
    String source = target.startsWith("addr:") ? "addr:10.0.0.1" : "rdma:rxe0";
    BandwidthSpec spec =
        BandwidthSpec.of(
            kind, Endpoint.parse(source), Endpoint.parse(target), 65536, 1, 5, 1, false);
    Instant now = Instant.now();
    return new Job(
        1,
        spec,
        sourceHost,
        targetHost,
        State.RUNNING,
        now,
        now,
        null,
        now.plusSeconds(60),
        now,
        now,
        null,
        "op",
        null,
        null,
        null,
        null,
        null);
  }

  private static void refused(Job j, String address) {
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> ListenerAddress.check(j, new Listener(address, 5201, null, null)),
            address);
    assertEquals(422, e.status(), address);
  }

  private static void accepted(Job j, String address) {
    assertDoesNotThrow(
        () -> ListenerAddress.check(j, new Listener(address, 5201, null, null)), address);
  }

  @Test
  void aTestToAnAddressListensOnThatAddressOnly() {
    Job tcp = job("addr:10.0.0.2", "a", "b");
    accepted(tcp, "10.0.0.2");
    refused(tcp, "10.0.0.3");
    refused(tcp, "127.0.0.1");
    Job v6 = job("addr:fd00::2", "a", "b");
    accepted(v6, "fd00:0:0:0:0:0:0:2");
    refused(v6, "fd00::3");
  }

  @Test
  void betweenTwoHostsNoAddressThatStaysOnOneHostOrGoesToMany() {
    Job rdma = job("rdma:rxe1", "a", "b");
    accepted(rdma, "192.168.100.11");
    accepted(rdma, "fe80::5054:ff:fe12:3456");
    for (String a :
        new String[] {
          "127.0.0.1",
          "127.9.9.9",
          "::1",
          "0.0.0.0",
          "::",
          "224.0.0.1",
          "ff02::1",
          "255.255.255.255",
          "169.254.169.254"
        }) {
      refused(rdma, a);
    }
    // one host's two RDMA devices (the rig's rxe0 and rxe1) may meet on its loopback
    accepted(job("rdma:rxe1", "a", "a"), "127.0.0.1");
  }

  @Test
  void generatedAddressesAreJudgedAsTheJdkClassifiesThem() throws Exception {
    Random rnd = new Random(20261206);
    Job twoHosts = job("rdma:rxe1", "a", "b");
    int refusedCount = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[rnd.nextInt(4) == 0 ? 16 : 4];
      rnd.nextBytes(b);
      if (rnd.nextInt(8) == 0) {
        b[0] = (byte) (b.length == 4 ? 127 : 0xff); // loopback or multicast, often
      }
      InetAddress a = InetAddress.getByAddress(b);
      String text = a.getHostAddress();
      boolean bad =
          a.isLoopbackAddress()
              || a.isAnyLocalAddress()
              || a.isMulticastAddress()
              || text.equals("255.255.255.255")
              || a instanceof Inet4Address && a.isLinkLocalAddress();
      Job toIt = job("addr:" + text, "a", "b");
      if (bad) {
        refused(twoHosts, text);
        refused(toIt, text); // naming such an address as the target does not make it reach b
        refusedCount++;
      } else {
        accepted(twoHosts, text);
        accepted(toIt, text);
      }
    }
    assertEquals(true, refusedCount > 2000, refusedCount + " refused");
  }
}
