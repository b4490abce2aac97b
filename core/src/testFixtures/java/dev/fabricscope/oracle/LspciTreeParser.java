package dev.fabricscope.oracle;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code lspci -tvnn} (pciutils ls-tree.c) into BDF → (parent BDF, vendor:device).
 *
 * <p>The text only prints {@code dev.fn}; the full address is rebuilt from the bus headers: a
 * domain root {@code [0000:00]} (or {@code +-[0000:80]-} when a bridge has several buses) sets
 * domain and bus, a bridge's {@code -[XX]-} or {@code -[XX-YY]-} sets the bus of everything printed
 * after it (its secondary bus), and a bridge without a known secondary bus prints just {@code -}
 * ({@code 11.0--}). Continuation lines repeat the ancestors as {@code |} and spaces; the column of
 * their {@code +-}/{@code \-} identifies the branch point they continue. Bridges are printed
 * without a name, so only leaves carry a vendor:device.
 */
public final class LspciTreeParser {

  /**
   * One function.
   *
   * @param bdf domain:bus:dev.fn as the domain was printed (4 or more hex digits)
   * @param parent the bridge it hangs below, null on a root bus
   * @param vendorDevice {@code "8086:1521"}, null for bridges (lspci prints no name for them)
   * @param bridge whether lspci printed it as a bridge
   */
  public record Node(String bdf, String parent, String vendorDevice, boolean bridge) {}

  /** Where the text currently is: the bus being listed and the bridge it belongs to. */
  private record Ctx(String domain, Integer bus, String parent) {}

  private static final Pattern BUS = Pattern.compile("\\[([0-9a-f]{4,8}):([0-9a-f]{2})\\]");
  private static final Pattern DEV = Pattern.compile("([0-9a-f]{2})\\.([0-7])");
  private static final Pattern RANGE = Pattern.compile("-\\[([0-9a-f]{2})(?:-([0-9a-f]{2}))?\\]-");
  private static final Pattern ID = Pattern.compile("\\[([0-9a-f]{4}):([0-9a-f]{4})\\]\\s*$");

  private LspciTreeParser() {}

  /**
   * Parses the whole output; lines starting with {@code #} and blank lines are ignored.
   *
   * @return functions in the order printed
   * @throws IllegalArgumentException on text that is not lspci -t output, or a function whose bus
   *     cannot be known (children below a bridge without a secondary bus)
   */
  public static Map<String, Node> parse(String text) {
    Map<String, Node> out = new LinkedHashMap<>();
    Map<Integer, Ctx> branches = new HashMap<>();
    String[] lines = text.split("\r?\n");
    for (int n = 0; n < lines.length; n++) {
      String line = stripTrailing(lines[n]);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int i = 0;
      while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '|')) {
        i++;
      }
      Ctx ctx;
      if (i == 0 && line.charAt(0) == '-') {
        branches.clear();
        ctx = new Ctx(null, null, null);
      } else {
        ctx = branches.get(i);
        if (ctx == null || i >= line.length() || "+\\".indexOf(line.charAt(i)) < 0) {
          throw bad(n, line, "continuation line without a branch point above column " + i);
        }
      }
      parseLine(line, i, ctx, branches, out, n);
    }
    return out;
  }

  private static void parseLine(
      String line, int start, Ctx ctx, Map<Integer, Ctx> branches, Map<String, Node> out, int n) {
    int i = start;
    int len = line.length();
    while (i < len) {
      char c = line.charAt(i);
      if (c == '+' || c == '\\') {
        if (i + 1 >= len || line.charAt(i + 1) != '-') {
          throw bad(n, line, "branch without '-' at column " + i);
        }
        branches.put(i, ctx);
        i += 2;
        continue;
      }
      if (c == '-') {
        i++;
        continue;
      }
      Matcher bus = BUS.matcher(line).region(i, len);
      if (bus.lookingAt()) {
        ctx = new Ctx(bus.group(1), Integer.parseInt(bus.group(2), 16), ctx.parent());
        i = bus.end();
        continue;
      }
      Matcher dev = DEV.matcher(line).region(i, len);
      if (!dev.lookingAt()) {
        throw bad(n, line, "unexpected '" + c + "' at column " + i);
      }
      if (ctx.domain() == null || ctx.bus() == null) {
        throw bad(n, line, "function " + dev.group() + " on a bus lspci did not print");
      }
      String bdf =
          String.format("%s:%02x:%s.%s", ctx.domain(), ctx.bus(), dev.group(1), dev.group(2));
      i = dev.end();
      if (i >= len || line.startsWith("  ", i)) {
        Matcher id = ID.matcher(line);
        String vd = i < len && id.find(i) ? id.group(1) + ":" + id.group(2) : null;
        put(out, new Node(bdf, ctx.parent(), vd, false), n, line);
        return;
      }
      Matcher range = RANGE.matcher(line).region(i, len);
      if (range.lookingAt()) {
        put(out, new Node(bdf, ctx.parent(), null, true), n, line);
        ctx = new Ctx(ctx.domain(), Integer.parseInt(range.group(1), 16), bdf);
        i = range.end();
      } else if (line.charAt(i) == '-') {
        // a bridge whose secondary bus is 0 (not configured): lspci prints only "-"
        put(out, new Node(bdf, ctx.parent(), null, true), n, line);
        ctx = new Ctx(ctx.domain(), null, bdf);
        i++;
      } else {
        throw bad(n, line, "unexpected text after " + bdf);
      }
    }
  }

  private static void put(Map<String, Node> out, Node node, int n, String line) {
    if (out.putIfAbsent(node.bdf(), node) != null) {
      throw bad(n, line, "function " + node.bdf() + " printed twice");
    }
  }

  private static String stripTrailing(String s) {
    return s.stripTrailing();
  }

  private static IllegalArgumentException bad(int n, String line, String why) {
    return new IllegalArgumentException("lspci -t line " + (n + 1) + ": " + why + ": " + line);
  }
}
