package dev.fabricscope.fabric;

import java.util.ArrayList;
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
 */
public final class IbNetDiscover {

  private IbNetDiscover() {}

  // CA    61  1 0x00117500006f37a8 4x QDR - SW    58 19 0x00066a00e3006b6f ( 'a' - 'b' )
  private static final Pattern CA_LINE =
      Pattern.compile(
          "^CA\\s+(\\d+)\\s+(\\d+)\\s+0x([0-9a-fA-F]{16})\\s+(\\S+)\\s+(\\S+)\\s+-\\s+SW\\s+(\\d+)"
              + "\\s+(\\d+)\\s+0x([0-9a-fA-F]{16})\\s+\\(\\s*'(.*)'\\s+-\\s+'(.*)'\\s*\\)\\s*$");

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

  // SW    18 36 0x00066a00ec002dd9 4x QDR - SW     2 19 0x00066a00eb002cb2 ( 'a' - 'b' )
  private static final Pattern SW_LINE =
      Pattern.compile("^SW\\s+\\d+\\s+\\d+\\s+0x([0-9a-fA-F]{16})\\s.*");

  /**
   * One fabric as one {@code ibnetdiscover -p} run saw it: everything it lists is reachable from
   * the port it ran on, so it is one fabric, whatever GID prefix its subnet manager hands out (the
   * default {@code fe80::} is shared by unrelated fabrics).
   *
   * @param name where it came from (a file name), for people
   * @param key the fabric's identity: its lowest switch node GUID ({@code xxxx:xxxx:xxxx:xxxx})
   * @param switchGuids every switch node GUID listed, sorted
   * @param links the CA ports and the switch ports they are cabled to, by CA port GUID
   */
  public record Discovery(
      String name, String key, SortedSet<String> switchGuids, Map<String, CaLink> links) {

    /** The discovery in {@code ibnetdiscover -p} text; null when it lists no switch. */
    public static Discovery of(String name, String text) {
      SortedSet<String> switches = new TreeSet<>();
      for (String line : text.split("\\R")) {
        Matcher m = SW_LINE.matcher(line.strip());
        if (m.matches()) {
          switches.add(guid(m.group(1)));
        }
      }
      Map<String, CaLink> links = new TreeMap<>();
      for (CaLink l : parse(text)) {
        switches.add(l.switchGuid());
        links.put(l.caGuid(), l);
      }
      if (switches.isEmpty()) {
        return null;
      }
      return new Discovery(name, switches.first(), switches, links);
    }
  }

  /** The CA links in the text, in file order. */
  public static List<CaLink> parse(String text) {
    List<CaLink> out = new ArrayList<>();
    for (String line : text.split("\\R")) {
      Matcher m = CA_LINE.matcher(line.strip());
      if (m.matches()) {
        out.add(
            new CaLink(
                guid(m.group(3)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(1)),
                m.group(4),
                m.group(5),
                guid(m.group(8)),
                Integer.parseInt(m.group(6)),
                Integer.parseInt(m.group(7)),
                m.group(9),
                m.group(10)));
      }
    }
    return out;
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
