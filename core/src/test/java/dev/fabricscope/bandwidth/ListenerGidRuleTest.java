package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A listener's GID held to its host's report: the QEMU rig's real soft-RoCE ports (rxe0 and rxe1,
 * GIDs as sysfs printed them), and GID text compared as 128-bit numbers, judged against the JDK's
 * own IPv6 parser for thousands of generated spellings.
 */
class ListenerGidRuleTest {

  static Report rig;

  @BeforeAll
  static void discover() throws Exception {
    rig = Fixtures.discover("qemu-rig-plain");
  }

  private static List<String> gids(String device) {
    for (RdmaDevice d : rig.rdma()) {
      if (d.name().equals(device)) {
        return d.ports().get(0).gids();
      }
    }
    throw new AssertionError("the rig has no " + device);
  }

  private static Optional<String> problem(String gid, String target) {
    return ListenerGidRule.problem(gid, Endpoint.parse(target), rig);
  }

  @Test
  void aGidOfTheTargetPortPassesInAnySpelling() throws Exception {
    List<String> rxe1 = gids("rxe1");
    assertTrue(!rxe1.isEmpty(), "the rig's rxe1 lists GIDs");
    for (String g : rxe1) {
      assertEquals(Optional.empty(), problem(g, "rdma:rxe1"), g);
      assertEquals(Optional.empty(), problem(g, "rdma:rxe1:1"), g);
      assertEquals(Optional.empty(), problem(g.toUpperCase(Locale.ROOT), "rdma:rxe1"), g);
      String unpadded = InetAddress.getByName(g).getHostAddress(); // fe80:0:0:0:…
      if (unpadded.contains(":")) { // an IPv4-mapped GID comes back as IPv4
        assertEquals(Optional.empty(), problem(unpadded, "rdma:rxe1"), unpadded);
      }
    }
  }

  @Test
  void anotherPortsGidOrAnUnlistedOneIsRefused() {
    for (String g : gids("rxe0")) {
      if (!gids("rxe1").contains(g)) {
        assertTrue(problem(g, "rdma:rxe1").orElseThrow().contains("rxe1 port 1"), g);
      }
    }
    assertTrue(problem("fe80::dead:beef", "rdma:rxe1").isPresent());
    assertTrue(problem("0000:0000:0000:0000:0000:ffff:7f00:0001", "rdma:rxe1").isPresent());
  }

  @Test
  void noGidIsNeededAndOnlyRdmaListenersHaveOne() {
    assertEquals(Optional.empty(), problem(null, "rdma:rxe1"));
    assertEquals(Optional.empty(), problem(null, "addr:10.0.0.2"));
    assertTrue(problem(gids("rxe1").get(0), "addr:10.0.0.2").isPresent());
  }

  @Test
  void aPortTheReportDoesNotListCannotBeHeldToIt() {
    assertEquals(Optional.empty(), ListenerGidRule.problem("fe80::1", rdma("rxe1"), (Report) null));
    assertEquals(Optional.empty(), problem("fe80::1", "rdma:rxe1:2"));
    assertEquals(Optional.empty(), problem("fe80::1", "rdma:mlx5_9"));
  }

  @Test
  void textThatIsNoGidIsRefused() {
    for (String bad :
        List.of(
            "fe80",
            "fe80:::1",
            "fe80::1::2",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7",
            "::1:2:3:4:5:6:7:8",
            "fe80::12345",
            "fe80::g",
            ":1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:")) {
      assertNull(ListenerGidRule.canonical(bad), bad);
      assertTrue(problem(bad, "rdma:rxe1").isPresent(), bad);
    }
  }

  /** Random 128-bit values in random spellings: canonical form as the JDK's parser reads them. */
  @Test
  void generatedSpellingsReadAsTheJdkReadsThem() throws Exception {
    Random r = new Random(20261207);
    for (int run = 0; run < 5000; run++) {
      int[] groups = new int[8];
      for (int i = 0; i < 8; i++) {
        // runs of zeros often, so that "::" has somewhere to go
        groups[i] = r.nextInt(3) == 0 ? 0 : r.nextInt(1 << (4 * (1 + r.nextInt(4))));
      }
      String text = spell(groups, r);
      // a literal with a colon is parsed, never looked up; ::ffff:a.b.c.d comes back as IPv4
      byte[] jdk = sixteen(InetAddress.getByName(text).getAddress());
      StringBuilder want = new StringBuilder();
      for (int i = 0; i < 16; i += 2) {
        if (i > 0) {
          want.append(':');
        }
        want.append(String.format("%02x%02x", jdk[i] & 0xff, jdk[i + 1] & 0xff));
      }
      assertEquals(want.toString(), ListenerGidRule.canonical(text), text);
    }
  }

  private static String spell(int[] groups, Random r) {
    List<String> parts = new ArrayList<>();
    for (int g : groups) {
      String hex = Integer.toHexString(g);
      if (r.nextBoolean()) {
        hex = "0".repeat(4 - hex.length()) + hex;
      }
      parts.add(r.nextBoolean() ? hex.toUpperCase(Locale.ROOT) : hex);
    }
    // one run of zero groups written as "::", as people and inet_ntop write it
    int from = -1;
    int to = -1;
    for (int i = 0; i < 8; i++) {
      if (groups[i] == 0) {
        int j = i;
        while (j < 8 && groups[j] == 0) {
          j++;
        }
        if (j - i > to - from && r.nextInt(4) != 0) {
          from = i;
          to = j;
        }
        i = j;
      }
    }
    if (from < 0) {
      return String.join(":", parts);
    }
    return String.join(":", parts.subList(0, from)) + "::" + String.join(":", parts.subList(to, 8));
  }

  private static byte[] sixteen(byte[] address) {
    if (address.length == 16) {
      return address;
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(address, 0, mapped, 12, 4);
    return mapped;
  }

  private static Endpoint rdma(String name) {
    return Endpoint.parse("rdma:" + name);
  }
}
