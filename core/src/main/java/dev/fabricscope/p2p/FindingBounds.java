package dev.fabricscope.p2p;

import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.sysfs.PciTopology;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What one host's findings may hold, applied to every finding of {@link FleetFindings#forHost} in
 * one place so that a new rule cannot forget it: at most {@link FleetFindings#MAX_PER_RULE}
 * findings of a rule, at most {@link FleetFindings#MAX_DEVICES_LISTED} devices in a finding's list,
 * and messages and fixes of at most {@link #MAX_TEXT} characters. Findings are kept per host for
 * the fleet view and the gauges and are listed by {@code /api/v1/findings} (pages of at most 5,000)
 * and {@code /findings}: a rule of one finding per host listed all 19,800 slow links of a valid
 * report (317 KB per host), and 40 such hosts with 20 parallel page views ran a 512 MiB server out
 * of heap (fifteenth security review; the fourteenth had the same with one finding per link).
 */
final class FindingBounds {

  /**
   * Most characters of a finding's message or fix. The longest real text (a folded finding quoting
   * its first, a driver disagreement with its reasons) is a few hundred.
   */
  static final int MAX_TEXT = 1000;

  /** Most names a text spells out before "and N more" ({@link #named}). */
  static final int NAMED = 8;

  private FindingBounds() {}

  /**
   * {@code findings} with at most {@link FleetFindings#MAX_PER_RULE} of each rule (the first {@code
   * MAX_PER_RULE - 1} as they are, the rest folded into one finding of the rule and its highest
   * severity, whose {@code count} says how many it stands for), then each held to the device and
   * text bounds ({@link #bounded}).
   */
  static List<Finding> capped(String host, List<Finding> findings) {
    Map<String, List<Finding>> byRule = new LinkedHashMap<>();
    for (Finding f : findings) {
      byRule.computeIfAbsent(f.rule(), r -> new ArrayList<>()).add(f);
    }
    List<Finding> out = new ArrayList<>();
    if (byRule.values().stream().allMatch(l -> l.size() <= FleetFindings.MAX_PER_RULE)) {
      findings.forEach(f -> out.add(bounded(f))); // in rule order, as the rules made them
      return out;
    }
    for (var e : byRule.entrySet()) {
      List<Finding> all = e.getValue();
      if (all.size() <= FleetFindings.MAX_PER_RULE) {
        all.forEach(f -> out.add(bounded(f)));
        continue;
      }
      all.subList(0, FleetFindings.MAX_PER_RULE - 1).forEach(f -> out.add(bounded(f)));
      out.add(
          bounded(
              folded(host, e.getKey(), all.subList(FleetFindings.MAX_PER_RULE - 1, all.size()))));
    }
    return out;
  }

  /** One finding of {@code rule} standing for {@code rest}, listing (some of) their devices. */
  private static Finding folded(String host, String rule, List<Finding> rest) {
    TreeSet<String> devices = new TreeSet<>(PciTopology::compareBdf);
    Severity worst = Severity.INFO;
    int count = 0;
    for (Finding f : rest) {
      count += f.count();
      devices.addAll(f.devices());
      worst = f.severity().compareTo(worst) > 0 ? f.severity() : worst;
    }
    List<String> listed = devices.stream().limit(FleetFindings.MAX_DEVICES_LISTED).toList();
    return new Finding(
        rule,
        worst,
        host,
        listed,
        count
            + " more "
            + rule
            + " finding(s) on "
            + host
            + " than the "
            + (FleetFindings.MAX_PER_RULE - 1)
            + " shown one by one, on "
            + devices.size()
            + " device(s)"
            + (devices.size() > listed.size() ? " (the first " + listed.size() + " listed)" : "")
            + "; the first of them: "
            + rest.get(0).message(),
        rest.get(0).fix(),
        count);
  }

  /**
   * {@code f} listing at most {@link FleetFindings#MAX_DEVICES_LISTED} devices (its message then
   * says how many there are) and with message and fix of at most {@link #MAX_TEXT} characters;
   * {@code f} itself when it is within them. Its {@code count} stays: it counts findings (the
   * gauges sum it), not devices.
   */
  static Finding bounded(Finding f) {
    List<String> devices = f.devices();
    String message = f.message();
    if (devices.size() > FleetFindings.MAX_DEVICES_LISTED) {
      String more =
          " ("
              + devices.size()
              + " devices, the first "
              + FleetFindings.MAX_DEVICES_LISTED
              + " listed)";
      message = cut(message, MAX_TEXT - more.length()) + more;
      devices = devices.subList(0, FleetFindings.MAX_DEVICES_LISTED);
    } else {
      message = cut(message, MAX_TEXT);
    }
    String fix = f.fix() == null ? null : cut(f.fix(), MAX_TEXT);
    if (devices == f.devices() && message == f.message() && fix == f.fix()) {
      return f;
    }
    return new Finding(f.rule(), f.severity(), f.host(), devices, message, fix, f.count());
  }

  /** {@code text} of at most {@code max} characters, ending in "…" when cut; itself when short. */
  static String cut(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never half a character
    }
    return text.substring(0, end) + "…";
  }

  /**
   * The first {@link #NAMED} names joined by ", ", then "and N more" for the rest: what a text
   * names of a list that a report may make thousands long.
   */
  static String named(Collection<String> names) {
    List<String> first = names.stream().limit(NAMED).toList();
    String text = String.join(", ", first);
    return names.size() > first.size()
        ? text + " and " + (names.size() - first.size()) + " more"
        : text;
  }
}
