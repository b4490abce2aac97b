package dev.fabricscope.importer;

import dev.fabricscope.limits.ParseDeadline;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PortType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code lspci -vvv} / {@code -vvvnn} device blocks found anywhere in a text: a header {@code
 * [DDDD:]BB:DD.F Class name[ [cccc]]: Vendor Device[ [vvvv:dddd]][ (rev xx)][ (prog-if xx ...)]}
 * followed by indented lines. Kept: NUMA node, the PCI Express capability's port type,
 * LnkCap/LnkSta (p2p-rules.md §5), DevCap/DevCtl MaxPayload and MaxReadReq, ACSCap/ACSCtl (§3),
 * ATSCtl and the bound driver. Indented lines outside a block (e.g. {@code lspci -vvv | grep
 * ACSCtl}) are ignored: they do not say which device they belong to.
 */
final class LspciVerboseReader {

  /** What one block says. Null fields were not in the block. */
  static final class Block {
    String bdf;
    String className;
    Integer class16;
    Integer progIf;
    String names;
    String vendorId;
    String deviceId;
    String revision;
    Integer numaNode;
    PortType portType;
    boolean pcieCapability;
    boolean capabilitiesListed;
    boolean accessDenied;
    PciLink.LinkState lnkCap;
    PciLink.LinkState lnkSta;
    Integer mpsSupported;
    Integer mps;
    Integer mrrs;
    Acs.Bits acsCap;
    Acs.Bits acsCtl;
    PciFunction.Ats ats;
    String driver;
  }

  private static final Pattern HEADER =
      Pattern.compile(
          "^(?:([0-9a-f]{4,8}):)?([0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) ([^:\\[]+?)(?: \\[([0-9a-f]{4})\\])?: (.*)$");
  private static final Pattern IDS = Pattern.compile(" \\[([0-9a-f]{4}):([0-9a-f]{4})\\]");
  private static final Pattern REV = Pattern.compile(" \\(rev ([0-9a-f]{2})\\)");
  // \\s*+: giving blanks back to (.*) cannot help it, and made a value of blanks O(n²)
  static final Pattern LABEL = Pattern.compile("^([A-Za-z][A-Za-z0-9 ]*?):\\s*+(.*)$");
  private static final Pattern EXPRESS =
      Pattern.compile(
          "Express \\(v\\d\\) (Root Port \\(Slot[+-]\\)|Root Port|Upstream Port|Downstream Port"
              + " \\(Slot[+-]\\)|Downstream Port|Endpoint|Legacy Endpoint|Root Complex Integrated"
              + " Endpoint|Root Complex Event Collector|PCI-Express to PCI/PCI-X Bridge|PCI/PCI-X to"
              + " PCI-Express Bridge)");
  private static final Pattern MPS = Pattern.compile("MaxPayload (\\d+) bytes");
  private static final Pattern MRRS = Pattern.compile("MaxReadReq (\\d+) bytes");
  // a token starts a word: find() tried every position inside a long word, each to its end
  static final Pattern TOKEN = Pattern.compile("(?<!\\w)(\\w++)([+-])");
  private static final Pattern EXT_CAP = Pattern.compile("^Capabilities: \\[[0-9a-f]{3,} v\\d+\\]");

  private LspciVerboseReader() {}

  /** Every device block in the text, by BDF (domain 0000 when lspci printed none). */
  static Map<String, Block> read(String[] lines) {
    Map<String, Block> out = new LinkedHashMap<>();
    Block b = null;
    String label = null;
    for (String raw : lines) {
      ParseDeadline.check();
      String line = raw.stripTrailing();
      Matcher h = HEADER.matcher(line);
      if (h.matches()) {
        b = header(h);
        out.putIfAbsent(b.bdf, b);
        label = null;
        continue;
      }
      if (b == null || line.isEmpty() || !Character.isWhitespace(line.charAt(0))) {
        b = null; // a fence, a prompt or another command's output ends the block
        continue;
      }
      String body = line.trim();
      Matcher l = LABEL.matcher(body);
      String value = body;
      if (l.matches() && !body.startsWith("Speed")) {
        label = l.group(1);
        value = l.group(2);
        if (label.equals("Capabilities")) {
          capability(b, value, body);
        }
      }
      if (label != null) {
        register(b, label, value);
      }
    }
    return out;
  }

  private static Block header(Matcher h) {
    Block b = new Block();
    b.bdf = (h.group(1) == null ? "0000" : h.group(1)) + ":" + h.group(2);
    b.className = h.group(3).trim();
    b.class16 = h.group(4) == null ? null : Integer.parseInt(h.group(4), 16);
    String rest = h.group(5);
    LspciVerboseFields.ProgIf p = LspciVerboseFields.progIf(rest);
    // lspci prints "(prog-if" only when it is non-zero or has a name: absent means 00
    b.progIf = p.value() == null ? 0 : p.value();
    rest = p.rest();
    Matcher r = REV.matcher(rest);
    if (r.find()) {
      b.revision = "0x" + r.group(1);
      rest = r.replaceAll("");
    }
    Matcher ids = IDS.matcher(rest);
    String last = null;
    while (ids.find()) {
      last = ids.group();
      b.vendorId = "0x" + ids.group(1);
      b.deviceId = "0x" + ids.group(2);
    }
    if (last != null && rest.endsWith(last)) {
      rest = rest.substring(0, rest.length() - last.length());
    } else {
      b.vendorId = null; // a bracketed pair inside a name, not -nn ids
      b.deviceId = null;
    }
    b.names = rest.trim();
    return b;
  }

  private static void capability(Block b, String value, String body) {
    b.capabilitiesListed = true;
    if (value.contains("<access denied>")) {
      b.accessDenied = true;
    }
    Matcher e = EXPRESS.matcher(value);
    if (e.find()) {
      b.pcieCapability = true;
      String t = e.group(1);
      b.portType =
          t.startsWith("Root Port")
              ? PortType.ROOT_PORT
              : t.startsWith("Upstream")
                  ? PortType.SWITCH_UPSTREAM
                  : t.startsWith("Downstream")
                      ? PortType.SWITCH_DOWNSTREAM
                      : t.endsWith("Endpoint") && t.startsWith("Root Complex")
                          ? PortType.RC_INTEGRATED
                          : t.contains("Endpoint")
                              ? PortType.ENDPOINT
                              : t.contains("Bridge") ? PortType.PCI_BRIDGE : PortType.RC_INTEGRATED;
    }
    if (EXT_CAP.matcher(body).find()) {
      b.capabilitiesListed = true;
    }
  }

  private static void register(Block b, String label, String value) {
    switch (label) {
      case "NUMA node" -> b.numaNode = integer(value);
      case "Kernel driver in use" -> b.driver = value.trim();
      case "LnkCap" -> b.lnkCap = link(value, b.lnkCap);
      case "LnkSta" -> b.lnkSta = link(value, b.lnkSta);
      case "DevCap" -> b.mpsSupported = bytes(MPS, value, b.mpsSupported);
      case "DevCtl" -> {
        b.mps = bytes(MPS, value, b.mps);
        b.mrrs = bytes(MRRS, value, b.mrrs);
      }
      case "ACSCap" -> b.acsCap = bits(value, b.acsCap);
      case "ACSCtl" -> b.acsCtl = bits(value, b.acsCtl);
      case "ATSCtl" -> {
        String[] m = LspciVerboseFields.atsControl(value);
        if (m != null) {
          b.ats = new PciFunction.Ats(m[0].equals("+"), Integer.parseInt(m[1]));
        }
      }
      default -> {}
    }
  }

  private static PciLink.LinkState link(String value, PciLink.LinkState old) {
    String[] m = LspciVerboseFields.speedWidth(value);
    return m != null ? new PciLink.LinkState(Double.valueOf(m[0]), Integer.valueOf(m[1])) : old;
  }

  private static Integer bytes(Pattern p, String value, Integer old) {
    Matcher m = p.matcher(value);
    return m.find() ? Integer.valueOf(m.group(1)) : old;
  }

  /** The seven ACS tokens in lspci's naming (§3); null until all seven were seen. */
  private static Acs.Bits bits(String value, Acs.Bits old) {
    Map<String, Boolean> t = new LinkedHashMap<>();
    Matcher m = TOKEN.matcher(value);
    while (m.find()) {
      t.put(m.group(1), m.group(2).equals("+"));
    }
    String[] names = {
      "SrcValid", "TransBlk", "ReqRedir", "CmpltRedir", "UpstreamFwd", "EgressCtrl", "DirectTrans"
    };
    for (String n : names) {
      if (!t.containsKey(n)) {
        return old;
      }
    }
    return new Acs.Bits(
        t.get(names[0]),
        t.get(names[1]),
        t.get(names[2]),
        t.get(names[3]),
        t.get(names[4]),
        t.get(names[5]),
        t.get(names[6]));
  }

  private static Integer integer(String s) {
    try {
      return Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
