package dev.fabricscope.importer;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.topology.TopologyCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code lspci -tv} / {@code -tvnn} trees (pciutils ls-tree.c) inside arbitrary text and
 * reads them. A tree starts at a line beginning with {@code -[DDDD:BB]-} or {@code -+-[DDDD:BB]-}
 * and continues while lines begin with {@code |}, spaces and a {@code +-}/{@code \-} branch; prompt
 * lines, code fences and other output around it end it.
 *
 * <p>lspci prints only {@code dev.fn}: the bus comes from the segments before it: a domain root
 * {@code [DDDD:BB]} (which is also the host bridge {@code pciDDDD:BB}), a bridge's {@code -[XX]-}
 * or {@code -[XX-YY]-} (its secondary bus, for everything printed after it). A continuation line
 * continues the branch point in the column of its {@code +-} or {@code \-}.
 */
final class LspciTreeReader {

  /** One function as the tree shows it. */
  record Entry(String bdf, String parent, String hostBridge, boolean bridge, String text) {}

  /** A tree line the reader could not place. */
  static class TreeException extends Exception {
    TreeException(String message) {
      super(message);
    }
  }

  /**
   * More functions than a report may hold ({@link TopologyCheck#MAX_FUNCTIONS}): refused while the
   * tree is read, before any work per function (fifteenth security review, finding 4).
   */
  static final class TooManyException extends TreeException {
    TooManyException(int max) {
      super("too many PCI functions: more than " + max + " in the lspci tree");
    }
  }

  private record Ctx(String domain, Integer bus, String parent, String hostBridge) {}

  private static final Pattern START =
      Pattern.compile("^-(?:\\+-)?\\[[0-9a-f]{4,8}:[0-9a-f]{2}\\]");
  private static final Pattern CONTINUATION = Pattern.compile("^[ |]*[+\\\\]-");
  private static final Pattern BUS = Pattern.compile("\\[([0-9a-f]{4,8}):([0-9a-f]{2})\\]");
  private static final Pattern DEV = Pattern.compile("([0-9a-f]{2})\\.([0-7])");
  private static final Pattern RANGE = Pattern.compile("-\\[([0-9a-f]{2})(?:-[0-9a-f]{2})?\\]-");

  private LspciTreeReader() {}

  /** The tree blocks of a text, each as its lines with their 1-based line numbers. */
  static List<List<Map.Entry<Integer, String>>> blocks(String[] lines) {
    List<List<Map.Entry<Integer, String>>> out = new ArrayList<>();
    List<Map.Entry<Integer, String>> cur = null;
    for (int n = 0; n < lines.length; n++) {
      ParseDeadline.check();
      String line = lines[n].stripTrailing();
      if (START.matcher(line).find()) {
        cur = new ArrayList<>();
        out.add(cur);
        cur.add(Map.entry(n + 1, line));
      } else if (cur != null && CONTINUATION.matcher(line).find()) {
        cur.add(Map.entry(n + 1, line));
      } else {
        cur = null;
      }
    }
    return out;
  }

  /** Reads one block; entries in the order printed. */
  static Map<String, Entry> read(List<Map.Entry<Integer, String>> block) throws TreeException {
    return read(block, TopologyCheck.MAX_FUNCTIONS);
  }

  /**
   * Reads one block of at most {@code room} functions; entries in the order printed.
   *
   * @throws TooManyException at the first function past {@code room}
   */
  static Map<String, Entry> read(List<Map.Entry<Integer, String>> block, int room)
      throws TreeException {
    Map<String, Entry> out = new LinkedHashMap<>();
    Map<Integer, Ctx> branches = new HashMap<>();
    for (Map.Entry<Integer, String> l : block) {
      ParseDeadline.check();
      if (out.size() > room) {
        throw new TooManyException(TopologyCheck.MAX_FUNCTIONS);
      }
      String line = l.getValue();
      int i = 0;
      while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '|')) {
        i++;
      }
      Ctx ctx;
      if (i == 0) {
        branches.clear();
        ctx = new Ctx(null, null, null, null);
      } else {
        ctx = branches.get(i);
        if (ctx == null) {
          throw new TreeException(
              "line " + l.getKey() + ": continuation without a branch above column " + i);
        }
      }
      line(line, i, ctx, branches, out, l.getKey());
    }
    return out;
  }

  private static void line(
      String line, int start, Ctx ctx, Map<Integer, Ctx> branches, Map<String, Entry> out, int n)
      throws TreeException {
    int i = start;
    int len = line.length();
    while (i < len) {
      char c = line.charAt(i);
      if (c == '+' || c == '\\') {
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
        String hb = "pci" + bus.group(1) + ":" + bus.group(2);
        ctx = new Ctx(bus.group(1), Integer.parseInt(bus.group(2), 16), null, hb);
        i = bus.end();
        continue;
      }
      Matcher dev = DEV.matcher(line).region(i, len);
      if (!dev.lookingAt()) {
        throw new TreeException("line " + n + ": unexpected '" + c + "' at column " + (i + 1));
      }
      if (ctx.domain() == null || ctx.bus() == null) {
        throw new TreeException("line " + n + ": " + dev.group() + " on a bus lspci did not print");
      }
      String bdf = String.format("%s:%02x:%s", ctx.domain(), ctx.bus(), dev.group());
      i = dev.end();
      if (i >= len || line.charAt(i) == ' ') {
        put(
            out,
            new Entry(bdf, ctx.parent(), ctx.hostBridge(), false, line.substring(i).trim()),
            n);
        return;
      }
      Matcher range = RANGE.matcher(line).region(i, len);
      if (range.lookingAt()) {
        put(out, new Entry(bdf, ctx.parent(), ctx.hostBridge(), true, null), n);
        ctx = new Ctx(ctx.domain(), Integer.parseInt(range.group(1), 16), bdf, ctx.hostBridge());
        i = range.end();
      } else if (line.charAt(i) == '-') {
        // a bridge without a configured secondary bus: lspci prints only "-"
        put(out, new Entry(bdf, ctx.parent(), ctx.hostBridge(), true, null), n);
        ctx = new Ctx(ctx.domain(), null, bdf, ctx.hostBridge());
        i++;
      } else {
        throw new TreeException("line " + n + ": unexpected text after " + bdf);
      }
    }
  }

  private static void put(Map<String, Entry> out, Entry e, int n) throws TreeException {
    if (out.putIfAbsent(e.bdf(), e) != null) {
      throw new TreeException("line " + n + ": " + e.bdf() + " printed twice");
    }
  }
}
