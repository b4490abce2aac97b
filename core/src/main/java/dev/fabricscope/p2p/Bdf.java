package dev.fabricscope.p2p;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PCI addresses as people type them and as tools print them: {@code 0000:07:00.0} (sysfs, lspci
 * -D), {@code 07:00.0} (lspci), {@code 00000000:07:00.0} (nvidia-smi's Bus-Id, 8-digit domain), any
 * case. Reports spell the domain with 4 hex digits, or more when it needs them (§6.1).
 */
final class Bdf {

  private static final Pattern FORM =
      Pattern.compile("(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])");

  private Bdf() {}

  /** The report's spelling of {@code text}; null when it is no PCI address. */
  static String normalize(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    long domain = m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16);
    return String.format(
        Locale.ROOT,
        domain > 0xffff ? "%08x:%02x:%02x.%s" : "%04x:%02x:%02x.%s",
        domain,
        Integer.parseInt(m.group(2), 16),
        Integer.parseInt(m.group(3), 16),
        m.group(4));
  }

  /** Whether {@code text} names no domain (lspci's short form): it may match in any domain. */
  static boolean shortForm(String text) {
    Matcher m = FORM.matcher(text.trim());
    return m.matches() && m.group(1) == null;
  }

  /**
   * A key that sorts addresses in PCI bus order, domain, bus, device and function compared as
   * numbers (a 32-bit domain sorts after every 16-bit one, not by its text).
   */
  static String key(String bdf) {
    String n = normalize(bdf);
    if (n == null) {
      return "~" + bdf; // not an address: after every address, stable by text
    }
    int colon = n.indexOf(':');
    return "0".repeat(8 - colon) + n;
  }
}
