package dev.fabricscope.fabric;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Subnet manager LIDs ({@code /sys/class/infiniband/<dev>/ports/<n>/sm_lid}) as a way to tell
 * InfiniBand fabrics apart when no {@code ibnetdiscover} output lists the ports. A LID is unique
 * within one subnet only, and every subnet manager numbers from 1 (the real Dell DCS8000Z and Dell
 * R910 trees in the fixtures both answer to SM LID 0x1), so equal SM LIDs never prove one fabric.
 * Different SM LIDs on the same GID prefix do prove different fabrics: one subnet has one master
 * subnet manager, and every port of it reports that manager's LID.
 */
final class SubnetManagers {

  private SubnetManagers() {}

  /**
   * {@code 0x1} for the kernel's {@code 0x1} (or {@code 1}); null for null, 0 (no subnet manager
   * has configured the port yet: a port in INIT or DOWN reports 0) and anything that is not a LID.
   */
  static String normalize(String smLid) {
    if (smLid == null) {
      return null;
    }
    String s = smLid.strip().toLowerCase(Locale.ROOT);
    int v;
    try {
      v = s.startsWith("0x") ? Integer.parseInt(s.substring(2), 16) : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return null;
    }
    // unicast LIDs are 0x0001-0xbfff; 0 is "none" and the rest is multicast or permissive
    return v >= 1 && v <= 0xbfff ? "0x" + Integer.toHexString(v) : null;
  }

  /** Sorts {@code 0x2} before {@code 0x10}. */
  static int order(String normalized) {
    return Integer.parseInt(normalized.substring(2), 16);
  }

  /**
   * The InfiniBand GID prefixes whose ports that no discovery lists report two or more different SM
   * LIDs: those prefixes hold several fabrics and are split by SM LID.
   */
  static Set<String> prefixesToSplit(
      Iterable<RdmaPorts.Located> ports,
      Function<RdmaFabric.PortRow, IbNetDiscover.Discovery> discovery) {
    Map<String, Set<String>> smsByPrefix = new HashMap<>();
    for (RdmaPorts.Located l : ports) {
      if (l.prefix() != null
          && l.layer().equals("InfiniBand")
          && l.row().smLid() != null
          && discovery.apply(l.row()) == null) {
        smsByPrefix.computeIfAbsent(l.prefix(), k -> new HashSet<>()).add(l.row().smLid());
      }
    }
    Set<String> out = new HashSet<>();
    smsByPrefix.forEach(
        (prefix, sms) -> {
          if (sms.size() > 1) {
            out.add(prefix);
          }
        });
    return out;
  }
}
