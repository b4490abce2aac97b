package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Anonymous senders are counted by IPv4 address or IPv6 /64 (the reading of the fourteenth security
 * review's change: two addresses of one IPv6 host were two callers, each with its own places for
 * whole reports, event streams and body shares).
 */
class AnonymousAddressKeyTest {

  static String key(String address) {
    return Caller.ANONYMOUS_READER.quotaKey(address);
  }

  @Test
  void eachKindOfAddress() {
    assertEquals("address:192.0.2.7", key("192.0.2.7"));
    assertEquals("address:2001:db8:1:2::/64", key("2001:db8:1:2::1"));
    assertEquals(key("2001:db8:1:2::1"), key("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"));
    assertEquals(key("2001:db8:1:2::1"), key("2001:db8:1:2::1%eth0"));
    assertNotEquals(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    assertEquals("address:192.0.2.7", key("::ffff:192.0.2.7"), "IPv4 mapped into IPv6");
    assertEquals("address:0:0:0:0::/64", key("::1"));
    assertEquals("address:", key(""));
    assertEquals("address:not:an:address!", key("not:an:address!"), "never looked up");
    // token holders are counted by token, whatever their address
    var holder = new Caller("t", dev.fabricscope.inventory.TokenStore.Role.VIEWER, null, 7, null);
    assertEquals("token:7", holder.quotaKey("2001:db8:1:2::1"));
  }

  /** Generated IPv6 addresses: one key per /64, whatever the host part and its spelling. */
  @Test
  void generatedAddressesShareTheirSlash64() {
    Random random = new Random(14);
    for (int run = 0; run < 500; run++) {
      int[] groups = new int[8];
      for (int i = 0; i < 8; i++) {
        groups[i] = random.nextInt(0x10000);
      }
      groups[0] |= 0x2000; // global unicast, never mapped IPv4
      String a = spell(groups, random);
      groups[4 + random.nextInt(4)] ^= 1 + random.nextInt(0xffff);
      String b = spell(groups, random);
      assertEquals(key(a), key(b), a + " " + b);
      groups[random.nextInt(4)] ^= 1 + random.nextInt(0xffff);
      groups[0] |= 0x2000;
      assertNotEquals(key(a), key(spell(groups, random)), a);
    }
  }

  private static String spell(int[] groups, Random random) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      s.append(i == 0 ? "" : ":")
          .append(String.format(random.nextBoolean() ? "%x" : "%04X", groups[i]));
    }
    return s.toString();
  }
}
