package dev.fabricscope.oracle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code lspci -vvv} (run as root): per function the PCI Express port type, DevCap/DevCtl
 * payload sizes, LnkCap/LnkSta and the ACS capability and control tokens (p2p-rules.md §3).
 * Register lines sit two tabs deep; their continuation lines three tabs deep.
 */
public final class LspciVerboseParser {

  /**
   * A link as lspci prints it.
   *
   * @param speedGTs GT/s per lane, null for {@code Speed unknown}
   * @param width lanes ({@code x0} is 0)
   */
  public record Link(Double speedGTs, Integer width) {}

  /**
   * One function's block.
   *
   * @param bdf with domain ({@code 0000:} added when lspci printed none)
   * @param expressType e.g. {@code Root Port}, {@code Endpoint}; null without an Express capability
   * @param devCapMps DevCap MaxPayload in bytes
   * @param devCtlMps DevCtl MaxPayload in bytes
   * @param devCtlMrrs DevCtl MaxReadReq in bytes
   * @param lnkCap LnkCap speed and width
   * @param lnkSta LnkSta speed and width
   * @param acsCap ACSCap token → +/-, null without an ACS capability
   * @param acsCtl ACSCtl token → +/-
   */
  public record Function(
      String bdf,
      String expressType,
      Integer devCapMps,
      Integer devCtlMps,
      Integer devCtlMrrs,
      Link lnkCap,
      Link lnkSta,
      Map<String, Boolean> acsCap,
      Map<String, Boolean> acsCtl) {}

  private static final Pattern HEADER =
      Pattern.compile("^(?:([0-9a-f]{4,8}):)?([0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) ");
  private static final Pattern EXPRESS =
      Pattern.compile("Capabilities: \\[[0-9a-f]+\\] Express \\(v\\d+\\) (.+?)(?: \\(|,|$)");
  private static final Pattern LABEL = Pattern.compile("^([A-Za-z0-9]+):\\s*(.*)$");
  private static final Pattern MPS = Pattern.compile("MaxPayload (\\d+) bytes");
  private static final Pattern MRRS = Pattern.compile("MaxReadReq (\\d+) bytes");
  private static final Pattern LINK =
      Pattern.compile("Speed (?:([0-9.]+)GT/s|unknown)[^,]*, Width x(\\d+)");
  private static final Pattern TOKEN = Pattern.compile("(\\w+)([+-])");

  private LspciVerboseParser() {}

  /** Every function block, by BDF, in the order printed. */
  public static Map<String, Function> parse(String text) {
    Map<String, Function> out = new LinkedHashMap<>();
    Builder b = null;
    String reg = null;
    for (String line : text.split("\r?\n")) {
      Matcher h = HEADER.matcher(line);
      if (h.find()) {
        if (b != null) {
          out.put(b.bdf, b.build());
        }
        b = new Builder((h.group(1) == null ? "0000" : h.group(1)) + ":" + h.group(2));
        reg = null;
        continue;
      }
      if (b == null || line.isBlank()) {
        continue;
      }
      int tabs = 0;
      while (tabs < line.length() && line.charAt(tabs) == '\t') {
        tabs++;
      }
      String body = line.trim();
      if (tabs <= 1) {
        reg = null;
        Matcher e = EXPRESS.matcher(body);
        if (e.find()) {
          b.expressType = e.group(1).trim();
        }
        continue;
      }
      String value = body;
      if (tabs == 2) {
        Matcher l = LABEL.matcher(body);
        reg = l.matches() ? l.group(1) : null;
        value = l.matches() ? l.group(2) : body;
      }
      if (reg != null) {
        b.register(reg, value);
      }
    }
    if (b != null) {
      out.put(b.bdf, b.build());
    }
    return out;
  }

  private static final class Builder {
    final String bdf;
    String expressType;
    Integer devCapMps;
    Integer devCtlMps;
    Integer devCtlMrrs;
    Link lnkCap;
    Link lnkSta;
    Map<String, Boolean> acsCap;
    Map<String, Boolean> acsCtl;

    Builder(String bdf) {
      this.bdf = bdf;
    }

    void register(String reg, String value) {
      switch (reg) {
        case "DevCap" -> devCapMps = devCapMps != null ? devCapMps : bytes(MPS, value);
        case "DevCtl" -> {
          Integer mps = bytes(MPS, value);
          Integer mrrs = bytes(MRRS, value);
          devCtlMps = mps != null ? mps : devCtlMps;
          devCtlMrrs = mrrs != null ? mrrs : devCtlMrrs;
        }
        case "LnkCap" -> lnkCap = lnkCap != null ? lnkCap : link(value);
        case "LnkSta" -> lnkSta = lnkSta != null ? lnkSta : link(value);
        case "ACSCap" -> acsCap = tokens(value);
        case "ACSCtl" -> acsCtl = tokens(value);
        default -> {}
      }
    }

    Function build() {
      return new Function(
          bdf, expressType, devCapMps, devCtlMps, devCtlMrrs, lnkCap, lnkSta, acsCap, acsCtl);
    }
  }

  private static Integer bytes(Pattern p, String value) {
    Matcher m = p.matcher(value);
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }

  private static Link link(String value) {
    Matcher m = LINK.matcher(value);
    if (!m.find()) {
      return null;
    }
    return new Link(
        m.group(1) == null ? null : Double.valueOf(m.group(1)), Integer.valueOf(m.group(2)));
  }

  private static Map<String, Boolean> tokens(String value) {
    Map<String, Boolean> out = new LinkedHashMap<>();
    Matcher m = TOKEN.matcher(value);
    while (m.find()) {
      out.put(m.group(1), m.group(2).equals("+"));
    }
    return out;
  }
}
