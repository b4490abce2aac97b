package dev.fabricscope.topology;

import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.TopologyDiff.Change;
import dev.fabricscope.topology.TopologyDiff.Kind;
import java.util.List;
import java.util.Objects;

/**
 * The link part of {@link TopologyDiff}: current and max state of a function's upstream link, with
 * the downtrain rule of p2p-rules.md §5.2 (capable width = min of both ends' max width).
 */
final class LinkDiff {

  private LinkDiff() {}

  static void compare(String bdf, PciLink x, PciLink y, List<Change> out) {
    LinkState cx = x == null ? null : x.current();
    LinkState cy = y == null ? null : y.current();
    if (!Objects.equals(cx, cy)) {
      Integer capable = capableWidth(y);
      Integer now = cy == null ? null : cy.width();
      Integer before = cx == null ? null : cx.width();
      // width below capable is the strong §5.2 signal; a narrower link than last time is too,
      // even when max shrank with it (a slot or riser that lost lanes)
      boolean down =
          now != null
              && now > 0
              && (capable != null && now < capable || before != null && now < before);
      String msg = bdf + " link " + text(cx) + " → " + text(cy);
      if (down) {
        msg += capable != null ? " (downtrained: x" + capable + " capable)" : " (downtrained)";
      } else if (cx != null
          && cy != null
          && cx.speedGTs() != null
          && cy.speedGTs() != null
          && cy.speedGTs() < cx.speedGTs()) {
        msg += " (slower: often power saving at idle, §5.2)";
      }
      out.add(new Change(Kind.LINK_CHANGED, bdf, "link.current", text(cx), text(cy), down, msg));
    }
    LinkState mx = x == null ? null : x.max();
    LinkState my = y == null ? null : y.max();
    if (!Objects.equals(mx, my)) {
      out.add(
          new Change(
              Kind.LINK_CHANGED,
              bdf,
              "link.max",
              text(mx),
              text(my),
              false,
              bdf + " max link " + text(mx) + " → " + text(my)));
    }
  }

  /** min(function max width, upstream port max width), null when neither is known (§5.2). */
  static Integer capableWidth(PciLink l) {
    if (l == null) {
      return null;
    }
    Integer a = width(l.max());
    Integer b = l.upstream() == null ? null : width(l.upstream().max());
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.min(a, b);
  }

  private static Integer width(LinkState s) {
    // sysfs reports 0 for an unknown max width (QEMU's ports): not a limit
    return s == null || s.width() == null || s.width() <= 0 ? null : s.width();
  }

  /** {@code "16 GT/s x16"}, {@code "? GT/s x8"}, null for no state. */
  static String text(LinkState s) {
    if (s == null) {
      return null;
    }
    String speed = s.speedGTs() == null ? "?" : TopologyDiff.num(s.speedGTs());
    String w = s.width() == null ? "?" : String.valueOf(s.width());
    return speed + " GT/s x" + w;
  }
}
