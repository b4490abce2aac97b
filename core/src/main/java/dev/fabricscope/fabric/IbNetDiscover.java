package dev.fabricscope.fabric;

import dev.fabricscope.limits.ParseDeadline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The channel-adapter lines of {@code ibnetdiscover -p} output: which switch port each CA port is
 * cabled to, with the LIDs and the negotiated width and speed. Lines of other kinds (switch ports,
 * {@code DR path} debug lines) are ignored.
 *
 * <p>Input from outside (an upload) goes through {@link IbNetDiscoverText#decode} and {@link
 * Discovery#parse}, whose only failure is {@link Refused}. Parsing time is linear in the text: the
 * patterns have no nested quantifiers, lines longer than {@link #MAX_LINE_CHARS} are never matched,
 * and the node descriptions are split by hand rather than by a backtracking pattern.
 */
public final class IbNetDiscover {

  private IbNetDiscover() {}

  /**
   * The longest line read: a CA line is about 180 characters with two 64-byte node descriptions
   * (the IB spec's NodeDescription is 64 bytes), so anything far longer is not ibnetdiscover.
   */
  public static final int MAX_LINE_CHARS = 4096;

  /**
   * The most lines read: a real {@code ibnetdiscover -p} output has one line per port, so the
   * largest text taken ({@link IbNetDiscoverText#MAX_CHARS}, some 90,000 ports) has about a tenth
   * of this. Fifteenth security review: 16 MiB of {@code "a\n"} (16 KB gzip-coded) split into 8
   * million strings at once ran a 512 MiB server out of heap; lines are now walked in place.
   */
  public static final int MAX_LINES = 1_000_000;

  // CA    61  1 0x00117500006f37a8 4x QDR - SW    58 19 0x00066a00e3006b6f ( 'a' - 'b' )
  // LIDs fit 16 bits and ports 8 bits: the digit counts keep Integer.parseInt from overflowing.
  private static final Pattern CA_LINE =
      Pattern.compile(
          "^CA\\s+(\\d{1,5})\\s+(\\d{1,3})\\s+0x([0-9a-fA-F]{16})\\s+(\\S+)\\s+(\\S+)\\s+-\\s+SW"
              + "\\s+(\\d{1,5})\\s+(\\d{1,3})\\s+0x([0-9a-fA-F]{16})\\s+\\((.*)\\)$");

  // the separator of the two node descriptions: ' - '
  private static final Pattern DESC_SEP = Pattern.compile("'\\s+-\\s+'");

  /**
   * One CA port and the switch port it is cabled to.
   *
   * @param caGuid the CA port's GUID, {@code xxxx:xxxx:xxxx:xxxx}: {@code -p} lists port GUIDs
   *     (node GUID + 1 on ConnectX-3 at PlaFRIM; equal to the node GUID on QLogic at Avakas)
   * @param caPort the CA port
   * @param caLid the CA port's LID
   * @param width link width, e.g. {@code 4x}
   * @param speed link speed, e.g. {@code QDR}
   * @param switchGuid the switch's node GUID, {@code xxxx:xxxx:xxxx:xxxx}
   * @param switchLid the switch's LID
   * @param switchPort the switch port
   * @param caDescription the CA's node description
   * @param switchDescription the switch's node description (its name)
   */
  public record CaLink(
      String caGuid,
      int caPort,
      int caLid,
      String width,
      String speed,
      String switchGuid,
      int switchLid,
      int switchPort,
      String caDescription,
      String switchDescription) {}

  // SW    18 36 0x00066a00ec002dd9 4x QDR - SW    2 19 0x00066a00eb002cb2 ( 'a' - 'b' )
  private static final Pattern SW_LINE =
      Pattern.compile("^SW\\s+\\d{1,5}\\s+\\d{1,3}\\s+0x([0-9a-fA-F]{16})\\s.*");

  /**
   * Why a text is not taken as a discovery: {@link Kind#TOO_LARGE} (HTTP 413) or a text that is
   * binary, not UTF-8, or not {@code ibnetdiscover -p} output (HTTP 400). The message says which
   * and where, for people.
   */
  public static final class Refused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the input. */
    public enum Kind {
      TOO_LARGE,
      NOT_TEXT,
      NOT_IBNETDISCOVER
    }

    private final Kind kind;

    public Refused(Kind kind, String message) {
      super(message);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /**
   * One fabric as one {@code ibnetdiscover -p} run saw it: everything it lists is reachable from
   * the port it ran on, so it is one fabric, whatever GID prefix its subnet manager hands out (the
   * default {@code fe80::} is shared by unrelated fabrics).
   *
   * @param name where it came from (a file name, an upload's name), for people
   * @param key the fabric's identity: its lowest switch node GUID ({@code xxxx:xxxx:xxxx:xxxx})
   * @param switchGuids every switch node GUID listed, sorted
   * @param links the CA ports and the switch ports they are cabled to, by CA port GUID
   */
  public record Discovery(
      String name, String key, SortedSet<String> switchGuids, Map<String, CaLink> links) {

    /** The discovery in {@code ibnetdiscover -p} text; null where {@link #parse} refuses it. */
    public static Discovery of(String name, String text) {
      try {
        return parse(name, text);
      } catch (Refused e) {
        return null;
      }
    }

    /**
     * The discovery in {@code ibnetdiscover -p} text, checked: at most {@link
     * IbNetDiscoverText#MAX_CHARS} characters, no control characters but tabs and line breaks, no
     * line over {@link #MAX_LINE_CHARS}, at least one switch, and no CA port listed twice with
     * different links (two runs pasted together).
     *
     * @throws Refused the only failure, whatever the text
     */
    public static Discovery parse(String name, String text) {
      IbNetDiscoverText.check(text);
      SortedSet<String> switches = new TreeSet<>();
      Map<String, CaLink> links = new TreeMap<>();
      Map<String, Integer> lineOf = new TreeMap<>();
      Map<String, String> pool = new HashMap<>();
      IbNetDiscoverLines lines = new IbNetDiscoverLines(text);
      while (lines.next()) {
        ParseDeadline.check();
        int i = lines.number() - 1;
        if (lines.length() > MAX_LINE_CHARS) {
          throw new Refused(
              Refused.Kind.NOT_IBNETDISCOVER,
              "line "
                  + (i + 1)
                  + " is "
                  + lines.length()
                  + " characters long; ibnetdiscover lines are at most "
                  + MAX_LINE_CHARS);
        }
        if (!lines.startsWithSwOrCa()) {
          continue; // blank, DR path and other lines: nothing kept, nothing cut out of the text
        }
        String line = lines.text();
        String s = line.strip();
        Matcher sw = SW_LINE.matcher(s);
        if (sw.matches()) {
          switches.add(guid(sw.group(1)));
          continue;
        }
        CaLink l = caLink(s, pool);
        if (l == null) {
          continue;
        }
        switches.add(l.switchGuid());
        CaLink before = links.putIfAbsent(l.caGuid(), l);
        if (before != null && !before.equals(l)) {
          throw new Refused(
              Refused.Kind.NOT_IBNETDISCOVER,
              "CA port GUID "
                  + l.caGuid()
                  + " is listed on lines "
                  + lineOf.get(l.caGuid())
                  + " and "
                  + (i + 1)
                  + " with different links: not the output of one ibnetdiscover run");
        }
        lineOf.putIfAbsent(l.caGuid(), i + 1);
      }
      if (switches.isEmpty()) {
        throw new Refused(
            Refused.Kind.NOT_IBNETDISCOVER,
            "no switch found: expected ibnetdiscover -p output, with lines like"
                + " 'SW 2 19 0x0002c9020040b0e0 4x QDR - CA 61 1 0x00117500006f37a8 ( ... )'");
      }
      return new Discovery(name, switches.first(), switches, links);
    }
  }

  /**
   * The CA links in the text, in file order; lines it cannot read are skipped.
   *
   * @throws Refused past {@link #MAX_LINES} lines
   */
  public static List<CaLink> parse(String text) {
    List<CaLink> out = new ArrayList<>();
    IbNetDiscoverLines lines = new IbNetDiscoverLines(text);
    while (lines.next()) {
      if (lines.length() <= MAX_LINE_CHARS && lines.startsWithSwOrCa()) {
        CaLink l = caLink(lines.text().strip(), new HashMap<>());
        if (l != null) {
          out.add(l);
        }
      }
    }
    return out;
  }

  /**
   * One stripped CA line, or null when it is not one. The fields every CA of a switch repeats
   * (width, speed, the switch's GUID and name) are taken from {@code pool}, one copy per text: a
   * kept discovery of 16 MiB is then about half the heap it would be otherwise (the server keeps
   * uploads parsed).
   */
  private static CaLink caLink(String s, Map<String, String> pool) {
    if (!s.startsWith("CA")) {
      return null;
    }
    Matcher m = CA_LINE.matcher(s);
    if (!m.matches()) {
      return null;
    }
    // ( 'ca description' - 'switch description' ): the last ' - ' splits them, as a greedy
    // pattern would, but found in one pass
    String inner = m.group(9).strip();
    if (inner.length() < 2 || inner.charAt(0) != '\'' || inner.charAt(inner.length() - 1) != '\'') {
      return null;
    }
    Matcher sep = DESC_SEP.matcher(inner);
    int start = -1;
    int end = -1;
    while (sep.find()) {
      start = sep.start();
      end = sep.end();
    }
    if (start < 1 || end > inner.length() - 1) {
      return null; // no separator, or one that eats a description's quote
    }
    return new CaLink(
        guid(m.group(3)),
        Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(1)),
        pooled(pool, m.group(4)),
        pooled(pool, m.group(5)),
        pooled(pool, guid(m.group(8))),
        Integer.parseInt(m.group(6)),
        Integer.parseInt(m.group(7)),
        inner.substring(1, start),
        pooled(pool, inner.substring(end, inner.length() - 1)));
  }

  private static String pooled(Map<String, String> pool, String s) {
    String before = pool.putIfAbsent(s, s);
    return before == null ? s : before;
  }

  /** {@code 00117500006f37a8} → {@code 0011:7500:006f:37a8}. */
  public static String guid(String hex16) {
    String h = hex16.toLowerCase(Locale.ROOT);
    return h.substring(0, 4)
        + ":"
        + h.substring(4, 8)
        + ":"
        + h.substring(8, 12)
        + ":"
        + h.substring(12);
  }
}
