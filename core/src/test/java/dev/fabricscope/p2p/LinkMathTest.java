package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PciLink.Upstream;
import org.junit.jupiter.api.Test;

/**
 * §5.2's capability of a link: the lower of its two ends' maximum, either end possibly unknown; and
 * §5's rates for the generations (Gen3 x16 15.75 GB/s raw, Gen5 x16 63.02 GB/s: the H200 host).
 */
class LinkMathTest {

  static final LinkState GEN5_X16 = new LinkState(32.0, 16);
  static final LinkState GEN4_X8 = new LinkState(16.0, 8);

  @Test
  void capabilityIsTheLowerOfBothEnds() {
    PciLink narrowPort =
        new PciLink(
            GEN4_X8,
            GEN5_X16,
            GEN5_X16,
            GEN4_X8,
            new Upstream("0000:00:01.0", null, GEN4_X8),
            null);
    assertEquals(8, LinkMath.capableWidth(narrowPort));
    assertEquals(16.0, LinkMath.capableSpeed(narrowPort));
    // a root-bus device: no upstream end, its own maximum
    PciLink rootBus = new PciLink(GEN4_X8, GEN5_X16, GEN5_X16, GEN4_X8, null, null);
    assertEquals(16, LinkMath.capableWidth(rootBus));
    assertEquals(32.0, LinkMath.capableSpeed(rootBus));
    // its own maximum unread (width 0 is "down", not a width): the upstream end alone
    PciLink unread =
        new PciLink(
            GEN4_X8,
            new LinkState(null, 0),
            null,
            null,
            new Upstream("0000:00:01.0", null, GEN5_X16),
            null);
    assertEquals(16, LinkMath.capableWidth(unread));
    assertEquals(32.0, LinkMath.capableSpeed(unread));
    PciLink nothing = new PciLink(null, null, null, null, null, 5.0);
    assertNull(LinkMath.capableWidth(nothing));
    assertNull(LinkMath.capableSpeed(nothing));
  }

  @Test
  void lowerTakesTheKnownOne() {
    assertEquals(3, LinkMath.lower(3, null));
    assertEquals(3, LinkMath.lower(null, 3));
    assertEquals(2, LinkMath.lower(3, 2));
    assertNull(LinkMath.lower((Integer) null, null));
  }

  @Test
  void ratesOfTheGenerations() {
    assertEquals(15.75, LinkMath.round2(LinkMath.rawGBps(8.0, 16)));
    assertEquals(63.02, LinkMath.round2(LinkMath.rawGBps(32.0, 16)));
    assertEquals(4.0, LinkMath.round2(LinkMath.rawGBps(5.0, 8)));
  }
}
